using System.Text.Json.Nodes;
using Inspecta.Cluster.Tests.Infrastructure;

namespace Inspecta.Cluster.Tests.Jobs;

/// <summary>
/// <c>cluster fit</c> and <c>cluster predict</c> on two silos: the category fitted on a silo gives a model whose scores, from
/// work items spread over both silos, equal a single-machine <c>fit</c> + <c>predict</c> image for image, in input order; an
/// unreadable file is reported in its row (exit 2) while the other images keep their results.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterFitPredictTests(ClusterModels models)
{
    [PostgresFact]
    public async Task FitAndPredictAcrossTwoSilosEqualTheSingleMachineCommands()
    {
        string folder = models.Folder(("tiles", models.Variation));
        string id = TestDatabase.NewClusterId("fitpred");
        var starting = Enumerable.Range(0, 2).Select(_ => NodeProcess.Start(folder, id)).ToArray();
        await using var a = starting[0];
        await using var b = starting[1];
        await Task.WhenAll(starting.Select(n => n.WaitReadyAsync()));

        string outDir = models.Scratch($"cluster-fit-{Guid.NewGuid():N}");
        var fit = ClusterModels.Run("cluster", "fit", "--cluster", TestDatabase.ConnectionString, "--cluster-id", id,
            "--dataset", models.Dataset, "--categories", "tiles", "--method", "variation", "--out", outDir, "--json");
        var fitted = JsonNode.Parse(fit.Stdout)!;
        string model = (string)fitted["models"]![0]!["model"]!;
        Assert.Equal(Path.Combine(outDir, "tiles.inspecta"), model);
        Assert.True(File.Exists(model));
        Assert.DoesNotContain(Directory.GetFiles(outDir), f => !f.EndsWith(".inspecta", StringComparison.Ordinal));   // no temp file left

        string input = Path.Combine(models.Dataset, "tiles", "test");
        var single = JsonNode.Parse(ClusterModels.Run("predict", "--model", models.Variation, "--input", input, "--out", models.Scratch($"pred-{Guid.NewGuid():N}"), "--json").Stdout)!;
        var expected = ((JsonArray)single["images"]!).ToDictionary(i => Path.GetFullPath((string)i!["path"]!), i => ((float)i!["score"]!, (bool)i["defective"]!));

        var clustered = JsonNode.Parse(ClusterModels.Run("cluster", "predict", "--cluster", TestDatabase.ConnectionString, "--cluster-id", id,
            "--model", model, "--input", input, "--item-size", "2", "--json").Stdout)!;
        var rows = ((JsonArray)clustered["results"]!).Select(r => r!).ToArray();
        Assert.Equal(expected.Count, rows.Length);
        Assert.Equal(rows.Select(r => (string)r["image"]!).Order(StringComparer.Ordinal), rows.Select(r => (string)r["image"]!));   // input order
        foreach (var r in rows)
        {
            var (score, defective) = expected[(string)r["image"]!];
            Assert.Equal(score, (float)r["score"]!);
            Assert.Equal(defective ? "defective" : "good", (string)r["verdict"]!);
        }
        Assert.Equal(0, (int)clustered["failed"]!);
        Assert.Equal((expected.Count + 1) / 2, (int)clustered["cluster"]!["items"]!);

        // An unreadable image: its row says why, the others are scored, exit 2.
        string bad = models.Scratch($"bad-{Guid.NewGuid():N}");
        Directory.CreateDirectory(bad);
        File.Copy(models.Image("good"), Path.Combine(bad, "a.png"));
        File.WriteAllText(Path.Combine(bad, "b.png"), "not a png");
        var r2 = Inspecta.Tests.Infrastructure.CliRunner.Run("cluster", "predict", "--cluster", TestDatabase.ConnectionString, "--cluster-id", id,
            "--model", model, "--input", bad, "--json");
        Assert.Equal(2, r2.ExitCode);
        var rows2 = (JsonArray)JsonNode.Parse(r2.Stdout)!["results"]!;
        Assert.NotNull(rows2[0]!["score"]);
        Assert.Contains("b.png", (string)rows2[1]!["image"]!);
        Assert.NotNull(rows2[1]!["error"]);
    }
}
