using System.Text.Json.Nodes;
using Inspecta.Features;
using Inspecta.Persistence;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Cli;

public class BuiltInBackboneCliTests
{
    [Fact]
    public void Fit_without_a_backbone_uses_the_built_in_one_says_so_and_records_its_hash()
    {
        using var tmp = new TempDir();
        Assert.Equal(0, CliRunner.Run("synth", "2d", "--out", tmp["data"], "--categories", "tiles", "--count", "6", "--test-count", "2", "--size", "64", "--quiet").ExitCode);
        var fit = CliRunner.Run("fit", "--dataset", tmp["data"], "--category", "tiles", "--method", "patchcore", "--image-size", "64", "--out", tmp["p.inspecta"]);
        Assert.True(fit.ExitCode == 0, fit.Stderr);
        Assert.Contains("backbone: built-in resnet18", fit.Stdout);
        Assert.Contains(ResNet18Package.Id, fit.Stdout);

        var backbone = ModelReader.Open(tmp["p.inspecta"]).Parameters["backbone"]!;
        Assert.Equal("resnet18", (string)backbone["name"]!);
        Assert.Equal(ModelCache.Sha256Of(TestBackbones.ResNet18), (string)backbone["sha256"]!);
        var predict = CliRunner.Run("predict", "--model", tmp["p.inspecta"], "--input", Path.Combine(tmp["data"], "tiles", "test"), "--out", tmp["out"], "--quiet");
        Assert.True(predict.ExitCode == 0, predict.Stderr);
    }

    [Fact]
    public void Models_list_shows_the_built_in_preset_and_where_it_comes_from()
    {
        _ = TestBackbones.ResNet18;   // derived into the test cache
        var text = CliRunner.Run("models", "list");
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("resnet18", text.Stdout);
        Assert.Contains($"{ResNet18Package.Id} {ResNet18Package.Version}", text.Stdout);
        Assert.Contains("package file: ", text.Stdout);
        Assert.Contains("ResNet18.onnx", text.Stdout);

        var json = JsonNode.Parse(CliRunner.Run("models", "list", "--json").Stdout)!;
        var preset = json["presets"]!.AsArray().Single(p => (string)p!["name"]! == "resnet18")!;
        Assert.True((bool)preset["built_in"]!);
        Assert.True((bool)preset["cached"]!);
        Assert.True(File.Exists((string)preset["package_file"]!));
    }
}
