using System.Text.Json.Nodes;
using Inspecta.Persistence;
using Inspecta.Tests.Infrastructure;
using Inspecta.Tests.Reporting.Benchmarking;

namespace Inspecta.Tests.Cli;

/// <summary><c>fit --config</c> and <c>bench --config</c>: one JSON record of a method's options, the same keys as model manifests.</summary>
public class MethodConfigCliTests
{
    [Fact]
    public void FitTakesItsOptionsFromAConfigAndTheCommandLineOverridesIt()
    {
        using var tmp = new TempDir();
        string root = BenchCommandTests.WriteDataset(tmp["data"]);
        File.WriteAllText(tmp["v.json"], """{ "method": "variation", "options": { "alignment": "translation", "sigma_min": 0.04 } }""");
        var r = CliRunner.Run("fit", "--dataset", root, "--category", "alpha", "--config", tmp["v.json"], "--sigma-min", "0.05", "--out", tmp["v.inspecta"], "--json");
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        var options = JsonNode.Parse(r.Stdout)!["options"]!;
        Assert.Equal(("translation", 0.05f), (options["alignment"]!.GetValue<string>(), options["sigma_min"]!.GetValue<float>()));
        var p = ModelReader.Open(tmp["v.inspecta"]).Parameters;
        Assert.Equal(("translation", 0.05f), (p["alignment"]!.GetValue<string>(), p["sigma_min"]!.GetValue<float>()));
    }

    [Fact]
    public void BadConfigsAreUserErrorsNamingTheFile()
    {
        using var tmp = new TempDir();
        string root = BenchCommandTests.WriteDataset(tmp["data"]);
        (string Json, string Mentions)[] cases =
        [
            ("""{ "method": "variation", "options": { "clusters": 50 } }""", "'clusters' is not an option of variation"),
            ("""{ "method": "variation", "options": { "sigma_min": "big" } }""", "'sigma_min' is \"big\""),
            ("""{ "method": "nosuch" }""", "Unknown method 'nosuch'"),
            ("""[{ "method": "variation" }, { "method": "texture-gmm" }]""", "bench config"),
            ("""{ "method": "variation", "options": { "alignment": "affine" } }""", "--alignment must be one of"),
            ("not json", "not valid JSON"),
        ];
        foreach (var (json, mentions) in cases)
        {
            File.WriteAllText(tmp["c.json"], json);
            var r = CliRunner.Run("fit", "--dataset", root, "--category", "alpha", "--config", tmp["c.json"], "--out", tmp["m.inspecta"]);
            Assert.True(r.ExitCode == 2, $"{json}: exit {r.ExitCode}: {r.Stderr}");
            Assert.Contains(tmp["c.json"], r.Stderr);
            Assert.Contains(mentions, r.Stderr);
            Assert.False(File.Exists(tmp["m.inspecta"]));
        }
        var none = CliRunner.Run("fit", "--dataset", root, "--category", "alpha", "--out", tmp["m.inspecta"]);
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("Choose a method with --method", none.Stderr);
    }

    [Fact]
    public void BenchRunsLabelledConfigsBesideDefaultMethods()
    {
        using var tmp = new TempDir();
        string root = BenchCommandTests.WriteDataset(tmp["data"]);
        File.WriteAllText(tmp["runs.json"], """
            [ { "method": "variation", "label": "variation-mean", "options": { "channel_fusion": "mean" } },
              { "method": "variation", "label": "variation-tight", "options": { "sigma_min": 0.005 } } ]
            """);
        var r = CliRunner.Run("bench", "--dataset", root, "--categories", "alpha", "--methods", "variation", "--config", tmp["runs.json"],
            "--seed", "3", "--json", tmp["b.json"]);
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        var rows = JsonNode.Parse(File.ReadAllText(tmp["b.json"]))!["rows"]!.AsArray();
        Assert.Equal(["variation", "variation-mean", "variation-tight"], rows.Select(x => x!["method"]!.GetValue<string>()));
        Assert.All(rows, row => Assert.True(row!["error"] is null, row!["error"]?.ToString()));

        // A shared option that no benchmarked method has is an error, not silently ignored; so is a repeated label.
        var unused = CliRunner.Run("bench", "--dataset", root, "--methods", "variation", "--backbone", "x.onnx");
        Assert.Equal(2, unused.ExitCode);
        Assert.Contains("--backbone applies to none of the benchmarked methods", unused.Stderr);
        File.WriteAllText(tmp["twice.json"], """[ { "method": "variation" } ]""");
        var twice = CliRunner.Run("bench", "--dataset", root, "--methods", "variation", "--config", tmp["twice.json"]);
        Assert.Equal(2, twice.ExitCode);
        Assert.Contains("benchmarked twice", twice.Stderr);
    }

    [Fact]
    public void TheReadmeBenchConfigParses()
    {
        string repo = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(repo, "Inspecta.sln"))) repo = Path.GetDirectoryName(repo)!;
        var runs = Inspecta.Detectors.Registry.MethodConfig.ReadFile(Path.Combine(repo, "bench", "configs", "readme-bottle.json"),
            Inspecta.Detectors.Registry.MethodRegistry.Default);
        Assert.Equal(8, runs.Count);
        Assert.Contains(runs, r => r.Label == "feature-dictionary-k50" && r.Method.Schema.ToJson(r.Options)["clusters"]!.GetValue<int>() == 50);
    }
}
