using System.Text.Json.Nodes;
using FluxSharp.Api.Kustomize.V1;
using FluxSharp.Controllers.Kustomize;

namespace FluxSharp.Controllers.Tests.Kustomize;

/// <summary>Flux's status.inventory: built from objects, written and read as status JSON, and what is stale.</summary>
public sealed class InventoryTests
{
    [Fact]
    public void InventoryFromObjectsRoundTripsThroughStatusJsonAndFindsStaleObjects()
    {
        var objects = new[]
        {
            Obj("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"apps"}}"""),
            Obj("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"apps"}}"""),
            Obj("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","namespace":"apps"}}"""),
        };
        var inventory = Inventory.FromObjects(objects);
        var json = Inventory.ToJson(inventory);
        Assert.Equal(
            """{"entries":[{"id":"_apps__Namespace","v":"v1"},{"id":"apps_web_apps_Deployment","v":"v1"},{"id":"apps_cfg__ConfigMap","v":"v1"}]}""",
            json.ToJsonString());

        var back = Inventory.FromJson(JsonNode.Parse(json.ToJsonString()));
        Assert.Equal(inventory.Entries, back!.Entries);
        var entries = Inventory.Entries(back);
        Assert.Equal("apps/v1", entries[1].ApiVersion);

        var next = Inventory.FromObjects(objects.Take(2));
        var stale = Inventory.Stale(back, next);
        Assert.Equal(["apps_cfg__ConfigMap"], stale.Select(s => s.Id));
        Assert.Empty(Inventory.Stale(next, back));
        Assert.Empty(Inventory.Stale(null, next));
    }

    [Fact]
    public void AVersionChangeIsNotStale()
    {
        var old = new ResourceInventory { Entries = [new ResourceRef { Id = "default_w_example.com_Widget", Version = "v1beta1" }] };
        var current = new ResourceInventory { Entries = [new ResourceRef { Id = "default_w_example.com_Widget", Version = "v1" }] };
        Assert.Empty(Inventory.Stale(old, current));
    }

    private static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();
}
