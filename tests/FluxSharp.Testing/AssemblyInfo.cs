namespace FluxSharp.Testing;
