using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Resources;

namespace FluxSharp.LocalCluster.Api;

/// <summary>Kind-specific admission: defaults and side effects that the real server's registry strategies perform.</summary>
public interface IAdmissionHook
{
    void BeforeCreate(ResourceInfo r, JsonObject obj, RequestContext ctx);

    void BeforeUpdate(ResourceInfo r, JsonObject live, JsonObject obj, RequestContext ctx);

    void BeforeDelete(ResourceInfo r, JsonObject obj, List<string> finalizers);

    void AfterWrite(ResourceInfo r, JsonObject stored);
}
