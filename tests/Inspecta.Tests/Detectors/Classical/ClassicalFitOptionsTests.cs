using System.CommandLine;
using Inspecta.Cli.Commands;
using Inspecta.Detectors;

namespace Inspecta.Tests.Detectors.Classical;

public class ClassicalFitOptionsTests
{
    private static FitOptions Parse(params string[] args)
    {
        var options = new ClassicalFitOptions();
        var command = new RootCommand();
        options.AddTo(command);
        var parse = command.Parse(args);
        Assert.Empty(parse.Errors);
        return options.Apply(parse, new FitOptions { Seed = 5, ImageSize = 300 });
    }

    [Fact]
    public void ParsesEveryClassicalOptionIntoFitOptions()
    {
        var o = Parse("--sigma-min", "0.05", "--channel-fusion", "mean", "--alignment", "rigid", "--illumination", "plane",
            "--pyramid-levels", "3", "--patch-size", "5", "--max-train-images", "20", "--samples", "1234",
            "--gmm-components", "1, 2,8", "--threshold-sigma", "2.5", "--clusters", "50", "--stride", "8", "--pca-variance", "0.9");
        Assert.Equal(0.05f, o.SigmaMin);
        Assert.Equal("mean", o.ChannelFusion);
        Assert.Equal("rigid", o.Alignment);
        Assert.Equal("plane", o.Illumination);
        Assert.Equal(3, o.PyramidLevels);
        Assert.Equal(5, o.PatchSize);
        Assert.Equal(20, o.MaxTrainImages);
        Assert.Equal(1234, o.SamplesPerLevel);
        Assert.Equal([1, 2, 8], o.GmmComponents);
        Assert.Equal(2.5f, o.ThresholdSigma);
        Assert.Equal(50, o.Clusters);
        Assert.Equal(8, o.Stride);
        Assert.Equal(0.9f, o.PcaVariance);
        Assert.Equal(5, o.Seed);          // untouched generic options survive
        Assert.Equal(300, o.ImageSize);
        // The parsed options build every classical detector.
        foreach (var method in new[] { "variation", "texture-gmm" })
            Assert.Equal(method, DetectorCatalog.Get(method).Create(o with { PatchSize = method == "texture-gmm" ? 5 : null }).Method);
    }

    [Fact]
    public void UnsetOptionsStayNullAndBadCountsAreUserErrors()
    {
        var o = Parse();
        Assert.Null(o.SigmaMin);
        Assert.Null(o.GmmComponents);
        Assert.Throws<InspectaUserException>(() => Parse("--gmm-components", "1,x"));
        Assert.Throws<InspectaUserException>(() => Parse("--gmm-components", "0"));
    }
}
