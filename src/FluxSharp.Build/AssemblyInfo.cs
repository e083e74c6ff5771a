namespace FluxSharp.Build;
