namespace FluxSharp.Sources.Tests;
