using System.Text.Json.Nodes;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Detectors.Trained;

/// <summary>The predict and eval steps every trained method's end-to-end CLI test runs after its fit.</summary>
internal static class TrainedCli
{
    /// <summary>`predict` on a folder succeeds and writes maps into tmp/out.</summary>
    public static void Predict(TempDir tmp, string model, string input)
    {
        var predict = CliRunner.Run("predict", "--model", model, "--input", input, "--out", tmp["out"]);
        Assert.True(predict.ExitCode == 0, predict.Stderr + predict.Stdout);
        Assert.NotEmpty(Directory.GetFiles(tmp["out"], "*.tiff", SearchOption.AllDirectories));
    }

    /// <summary>`eval --json` on the category succeeds; returns its metrics.</summary>
    public static JsonNode Eval(TempDir tmp, string model, string data, string category)
    {
        var eval = CliRunner.Run("eval", "--model", model, "--dataset", data, "--category", category, "--json", tmp["metrics.json"]);
        Assert.True(eval.ExitCode == 0, eval.Stderr + eval.Stdout);
        return JsonNode.Parse(File.ReadAllText(tmp["metrics.json"]))!;
    }
}
