using System.Globalization;
using System.Text;
using FluxSharp.LocalCluster.Api;
using Microsoft.AspNetCore.Http;

namespace FluxSharp.LocalCluster.Http;

// OpenAPI v2 (JSON and protobuf) and v3 documents.
internal sealed partial class ApiHandler
{
    private async Task ServeOpenApiAsync(HttpContext http, string[] segments)
    {
        var resources = Registry.All;
        var key = Registry.Generation.ToString(CultureInfo.InvariantCulture);
        var doc = segments switch
        {
            ["openapi", "v2"] => Seams.OpenApiV2(resources, key),
            ["openapi", "v3"] => Seams.OpenApiV3Root(resources, key),
            ["openapi", "v3", .. var rest] => Seams.OpenApiV3GroupVersion(resources, string.Join('/', rest), key),
            _ => null,
        } ?? throw PathNotFound();
        if (segments is ["openapi", "v2"] && http.Request.Headers.Accept.ToString().Contains("proto-openapi.spec.v2", StringComparison.Ordinal))
        {
            // kubectl before 1.29 asks for the protobuf document only.
            var proto = Seams.OpenApiV2Protobuf(doc, key);
            http.Response.ContentType = Schema.OpenApiV2Protobuf.ContentType;
            http.Response.ContentLength = proto.Length;
            await http.Response.Body.WriteAsync(proto, http.RequestAborted);
            return;
        }

        http.Response.ContentType = "application/json";
        var bytes = Encoding.UTF8.GetBytes(doc);
        http.Response.ContentLength = bytes.Length;
        await http.Response.Body.WriteAsync(bytes, http.RequestAborted);
    }
}
