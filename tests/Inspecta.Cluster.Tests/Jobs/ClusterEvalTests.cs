using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Inspecta.Cluster.Tests.Infrastructure;
using Npgsql;

namespace Inspecta.Cluster.Tests.Jobs;

/// <summary>
/// A batch eval over a category on three silos, one of them SIGKILLed while it holds the lease of a work item: the item is
/// redone by another silo after its lease, and the metrics equal a single-machine <c>inspecta eval</c> exactly.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterEvalTests(ClusterModels models)
{
    private static readonly string[] Metrics = ["category", "n_images", "n_regions", "image_auroc", "pixel_auroc", "pixel_ap", "au_pro", "image_f1_max", "pixel_f1_max", "thresholds"];

    [PostgresFact]
    public async Task EvalWithASiloKilledMidwayEqualsSingleMachineEval()
    {
        string folder = models.Folder(("tiles", models.Variation));   // served models do not matter here; a node is ready with one
        string id = TestDatabase.NewClusterId("eval");
        var nodes = Enumerable.Range(0, 3).Select(_ => NodeProcess.Start(folder, id)).ToArray();
        try
        {
            await Task.WhenAll(nodes.Select(n => n.WaitReadyAsync()));
            var single = JsonNode.Parse(ClusterModels.Run("eval", "--model", models.PatchCore, "--dataset", models.Dataset, "--category", "tiles", "--json").Stdout)!;

            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string arg in new[] { NodeProcess.CliDll(), "cluster", "eval", "--cluster", TestDatabase.ConnectionString, "--cluster-id", id,
                         "--model", models.PatchCore, "--dataset", models.Dataset, "--category", "tiles", "--item-size", "1", "--lease-seconds", "2", "--json" })
                psi.ArgumentList.Add(arg);
            using var eval = Process.Start(psi)!;
            var stderr = new StringBuilder();
            eval.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
            eval.BeginErrorReadLine();
            var stdout = eval.StandardOutput.ReadToEndAsync();

            // Midway: once some items are done, kill the silo that holds a lease right now.
            NodeProcess? victim = null;
            await using (var db = NpgsqlDataSource.Create(TestDatabase.ConnectionString))
            {
                var until = DateTime.UtcNow.AddSeconds(90);
                while (victim is null && DateTime.UtcNow < until && !eval.HasExited)
                {
                    await using var cmd = db.CreateCommand("""
                        SELECT w.lease_owner, (SELECT count(*) FROM inspecta_work_items d WHERE d.job_id = j.id AND d.state = 'done'), j.items
                        FROM inspecta_jobs j JOIN inspecta_work_items w ON w.job_id = j.id
                        WHERE j.cluster_id = $1 AND w.state = 'pending' AND w.lease_until > now() LIMIT 1
                        """);
                    cmd.Parameters.AddWithValue(id);
                    await using var r = await cmd.ExecuteReaderAsync();
                    if (await r.ReadAsync() && r.GetInt64(1) >= 3 && r.GetInt64(1) < r.GetInt32(2) - 3)
                        victim = nodes.Single(n => n.Silo == r.GetString(0));
                    else await Task.Delay(20);
                }
            }
            Assert.NotNull(victim);
            victim.KillHard();

            await eval.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
            string text = await stdout;
            Assert.True(eval.ExitCode == 0, $"exit {eval.ExitCode}: {text}\n{stderr}");
            var clustered = JsonNode.Parse(text)!;
            foreach (string key in Metrics)
                Assert.True(JsonNode.DeepEquals(single[key], clustered[key]), $"{key}: eval {single[key]?.ToJsonString()} vs cluster eval {clustered[key]?.ToJsonString()}");
            var job = clustered["cluster"]!;
            Assert.Equal((int)single["n_images"]!, (int)job["items"]!);
            Assert.True((int)job["redone"]! >= 1, $"no item was redone: {job.ToJsonString()}");
            Assert.True((int)job["silos"]! >= 2, job.ToJsonString());
            lock (stderr) Assert.Contains("items done", stderr.ToString());   // progress shown
        }
        finally
        {
            foreach (var n in nodes) await n.DisposeAsync();
        }
    }
}
