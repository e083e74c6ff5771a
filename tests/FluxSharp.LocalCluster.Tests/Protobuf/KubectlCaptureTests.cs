using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Protobuf;

namespace FluxSharp.LocalCluster.Tests.Protobuf;

/// <summary>
/// Protobuf bodies real kubectl 1.32 sent for `kubectl create ...`, next to the JSON the same command prints
/// with --dry-run=client -o json (scripts/capture-kubectl-protobuf.py records both into Fixtures/; for
/// `auth can-i` and `create token`, which have no dry run, the script holds the expected JSON).
/// </summary>
public class KubectlCaptureTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(FixturesDirectory(), "*.pb.b64").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file)[..^".pb.b64".Length]);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void DecodesWhatKubectlSendsToTheJsonItWouldSend(string name)
    {
        var body = Convert.FromBase64String(File.ReadAllText(Path.Combine(FixturesDirectory(), name + ".pb.b64")).Trim());
        var expected = JsonNode.Parse(File.ReadAllText(Path.Combine(FixturesDirectory(), name + ".json")))!.AsObject();
        // Go writes null for a zero time or a nil list without omitempty (creationTimestamp, ClusterRole.rules);
        // the decoder leaves those out rather than invent a field (newer Go marks creationTimestamp omitzero too).
        DropNulls(expected);

        var actual = KubernetesProtobuf.Decode(body);

        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected {expected.ToJsonString()}\n  actual {actual.ToJsonString()}");
    }

    [Fact]
    public void FixturesCoverTheCreateSubcommands()
    {
        Assert.True(Cases().Count >= 20);
    }

    private static void DropNulls(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj.ToList())
                {
                    if (child is null)
                    {
                        obj.Remove(name);
                    }
                    else
                    {
                        DropNulls(child);
                    }
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    DropNulls(child);
                }

                break;
            default:
                break;
        }
    }

    /// <summary>The fixtures, copied beside the test binary by the project file.</summary>
    private static string FixturesDirectory() => Path.Combine(AppContext.BaseDirectory, "Protobuf", "Fixtures");
}
