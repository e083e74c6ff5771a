namespace FluxSharp.Sources;
