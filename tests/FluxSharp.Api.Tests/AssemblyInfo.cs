namespace FluxSharp.Api.Tests;
