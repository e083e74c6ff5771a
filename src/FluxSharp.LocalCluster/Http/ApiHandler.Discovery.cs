using System.Net;
using Microsoft.AspNetCore.Http;

namespace FluxSharp.LocalCluster.Http;

// Discovery documents (legacy and aggregated).
internal sealed partial class ApiHandler
{
    private async Task WriteDiscoveryAsync(HttpContext http, bool core)
    {
        var accept = http.Request.Headers.Accept.ToString();
        http.Response.Headers.Vary = "Accept";
        if (accept.Contains("as=APIGroupDiscoveryList", StringComparison.Ordinal))
        {
            var v = accept.Contains("v=v2;", StringComparison.Ordinal) || accept.Contains("v=v2,", StringComparison.Ordinal) || accept.EndsWith("v=v2", StringComparison.Ordinal) ? "v2" : "v2beta1";
            if (!accept.Contains("v=v2beta1", StringComparison.Ordinal) || accept.Contains("v=v2;", StringComparison.Ordinal))
            {
                v = "v2";
            }

            var doc = Discovery.Aggregated(Registry, core, "apidiscovery.k8s.io/" + v);
            await WriteJsonAsync(http, doc, null, HttpStatusCode.OK, $"application/json;g=apidiscovery.k8s.io;v={v};as=APIGroupDiscoveryList");
            return;
        }

        var host = http.Request.Host.Value ?? "127.0.0.1";
        await WriteJsonAsync(http, core ? Discovery.CoreVersions(host) : Discovery.GroupList(Registry));
    }
}
