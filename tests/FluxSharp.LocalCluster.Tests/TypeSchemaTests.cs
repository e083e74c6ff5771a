using FluxSharp.LocalCluster.Schema;

namespace FluxSharp.LocalCluster.Tests;

public class TypeSchemaTests
{
    [Fact]
    public void FieldOfMapReturnsValueSchemaAndUnknownFieldOfStructIsNull()
    {
        var map = new TypeSchema { Type = SchemaType.Object, AdditionalProperties = new TypeSchema { Type = SchemaType.String } };
        var strct = new TypeSchema { Type = SchemaType.Object, Properties = new() { ["a"] = new TypeSchema { Type = SchemaType.Integer } } };

        Assert.Equal(SchemaType.String, map.Field("anything")!.Type);
        Assert.Equal(SchemaType.Integer, strct.Field("a")!.Type);
        Assert.Null(strct.Field("b"));
        Assert.True(TypeSchema.Any().Field("x")!.PreserveUnknownFields);
    }
}
