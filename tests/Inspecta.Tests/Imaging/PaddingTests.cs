using System.Text.Json.Nodes;
using Inspecta.Features;
using Inspecta.Imaging;

namespace Inspecta.Tests.Imaging;

public class PaddingTests
{
    [Fact]
    public void Reflect_mirrors_without_repeating_the_edge_like_numpy()
    {
        // 2×3 image, values 10*y + x.
        var image = new ImageF(1, 2, 3, [0, 1, 2, 10, 11, 12]);
        var padded = Padding.Reflect(image, 1);
        Assert.Equal((4, 5), (padded.Height, padded.Width));
        // numpy.pad(a, 1, mode="reflect")
        float[] expected = [11, 10, 11, 12, 11, 1, 0, 1, 2, 1, 11, 10, 11, 12, 11, 1, 0, 1, 2, 1];
        Assert.Equal(expected, padded.Data);
        Assert.Same(image, Padding.Reflect(image, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Padding.Reflect(image, 2));
    }

    [Fact]
    public void Feature_maps_lose_their_margin_cells()
    {
        var map = new FeatureMap(1, 2, 4, 5, Enumerable.Range(0, 40).Select(i => (float)i).ToArray());
        var cropped = map.CropBorder(1);
        Assert.Equal((2, 3), (cropped.Height, cropped.Width));
        Assert.Equal([6f, 7, 8, 11, 12, 13], cropped.Plane(0, 0).ToArray());
        Assert.Equal([26f, 27, 28, 31, 32, 33], cropped.Plane(0, 1).ToArray());
        Assert.Same(map, map.CropBorder(0));
    }

    [Fact]
    public void Preprocessing_pads_the_network_input_and_records_it_only_when_used()
    {
        var plain = new Preprocessing(32);
        var padded = plain with { ReflectPad = 8 };
        var image = new ImageF(3, 40, 40);
        Assert.Equal(32, plain.Apply(image).Width);
        Assert.Equal((32, 48), (padded.InputSize, padded.Apply(image).Width));
        Assert.Null(plain.ToJson()["reflect_pad"]);
        Assert.Equal(padded, Preprocessing.FromJson(padded.ToJson(), m => new InvalidDataException(m)));
        Assert.Equal(0, Preprocessing.FromJson(JsonNode.Parse("""{"resize":32}"""), m => new InvalidDataException(m)).ReflectPad);
    }
}
