using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Authorization;
using FluxSharp.LocalCluster.Objects;
using FluxSharp.LocalCluster.Resources;

namespace FluxSharp.LocalCluster.Http;

/// <summary>
/// Access and identity reviews: answered from RBAC and the request's identity, never stored.
/// The unimpersonated caller is the cluster admin (system:masters).
/// </summary>
internal static class ReviewEndpoints
{
    private static readonly UserInfo Admin = UserInfo.User("kubernetes-admin", UserInfo.SystemMasters);

    public static bool Handles(ResourceInfo r) => r.Group is "authorization.k8s.io" or "authentication.k8s.io";

    public static JsonObject Answer(ResourceInfo r, string? ns, JsonObject body, UserInfo? caller, IRbacSource rbac)
    {
        var result = Obj.Clone(body);
        result["apiVersion"] = r.ApiVersion;
        result["kind"] = r.Kind;
        if (r.Kind == "SelfSubjectReview")
        {
            var me = caller ?? Admin;
            result["status"] = new JsonObject
            {
                ["userInfo"] = new JsonObject
                {
                    ["username"] = me.Name,
                    ["groups"] = new JsonArray(me.Groups.Select(g => (JsonNode?)JsonValue.Create(g)).ToArray()),
                },
            };
            return result;
        }

        var spec = body["spec"] as JsonObject ?? throw ApiException.BadRequest($"{r.Kind}: spec is required");
        var subject = r.Kind == "SelfSubjectAccessReview"
            ? caller ?? Admin
            : new UserInfo(Obj.Str(spec, "user") ?? string.Empty, (spec["groups"] as JsonArray)?.Select(g => (string?)g ?? string.Empty).ToList() ?? []);
        RequestAttributes attrs;
        if (spec["resourceAttributes"] is JsonObject ra)
        {
            var reviewNs = r.Kind == "LocalSubjectAccessReview" ? ns : Obj.Str(ra, "namespace");
            attrs = new RequestAttributes(
                Obj.Str(ra, "verb") ?? string.Empty,
                Obj.Str(ra, "group") ?? string.Empty,
                Obj.Str(ra, "resource") ?? string.Empty,
                NullIfEmpty(Obj.Str(ra, "subresource")),
                NullIfEmpty(reviewNs),
                NullIfEmpty(Obj.Str(ra, "name")),
                null);
        }
        else if (spec["nonResourceAttributes"] is JsonObject nra)
        {
            attrs = RequestAttributes.ForPath(Obj.Str(nra, "verb") ?? string.Empty, Obj.Str(nra, "path") ?? string.Empty);
        }
        else
        {
            throw ApiException.Invalid(r.Kind, r.Group, string.Empty, [new StatusCause("FieldValueRequired", "Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified", "spec.resourceAttributes")]);
        }

        var decision = RbacAuthorizer.Authorize(subject, attrs, rbac);
        var status = new JsonObject { ["allowed"] = decision.Allowed };
        if (!string.IsNullOrEmpty(decision.Reason))
        {
            status["reason"] = decision.Reason;
        }

        result["status"] = status;
        return result;
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
