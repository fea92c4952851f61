using System.IO.Compression;
using System.Text.Json.Nodes;
using Inspecta.Detectors;
using Inspecta.Detectors.PatchCore;
using Inspecta.Features;
using Inspecta.Persistence;
using Inspecta.Tests.Detectors;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Features;

/// <summary>
/// A model is identified with its backbone by SHA-256, not by path: moved to another machine it finds the backbone
/// by hash, takes it from --backbone, or carries it inside (export --bundle).
/// </summary>
/// <summary>Tests that set process environment variables run alone.</summary>
[CollectionDefinition(nameof(EnvironmentCollection), DisableParallelization = true)]
public sealed class EnvironmentCollection;

[Collection(nameof(EnvironmentCollection))]
public class ModelsThatTravelTests
{
    /// <summary>Fits a tiny PatchCore on a backbone with its own hash at <paramref name="backbone"/>; returns the model path.</summary>
    private static string FitOn(TempDir tmp, string backbone, int tag)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(backbone)!);
        TestBackbones.Variant(backbone);
        using var d = new PatchCoreDetector(new PatchCoreOptions { Backbone = backbone, ImageSize = 64, CoresetRatio = 0.5 });
        d.Fit(PadimFormTests.Synthetic(3, 5, 64));
        string model = tmp[$"m{tag}.inspecta"];
        new TrainedModel(d, null, null).Save(model);
        return model;
    }

    private static void AssertSamePrediction(string modelA, TrainedModel b)
    {
        var sample = PadimFormTests.Synthetic(1, 9, 64)[0];
        using var a = TrainedModel.Load(modelA);
        var (pa, pb) = (a.Detector.Predict(sample), b.Detector.Predict(sample));
        Assert.Equal(BitConverter.SingleToInt32Bits(pa.Score), BitConverter.SingleToInt32Bits(pb.Score));
        Assert.Equal(pa.Map!.Data, pb.Map!.Data);
    }

    [Fact]
    public void AMovedBackboneIsFoundByHashOnTheSearchPathOrGivenExplicitly()
    {
        using var tmp = new TempDir();
        string model = FitOn(tmp, tmp["site-a/net.onnx"], 11);
        string copy = tmp["bundle-ref.inspecta"];
        File.Copy(model, copy);   // reference predictions come from a model that still finds its backbone
        Directory.CreateDirectory(tmp["site-b"]);
        File.Move(tmp["site-a/net.onnx"], tmp["site-b/renamed.onnx"]);

        var missing = Assert.Throws<InspectaUserException>(() => TrainedModel.Load(model));
        Assert.Contains("--backbone", missing.Message);
        Assert.Contains("models add", missing.Message);
        Assert.Contains("export --bundle", missing.Message);

        using (var given = TrainedModel.Load(model, new ModelLoadOptions(tmp["site-b/renamed.onnx"])))
        {
            File.Copy(tmp["site-b/renamed.onnx"], tmp["site-a/net.onnx"]);
            AssertSamePrediction(copy, given);
            File.Delete(tmp["site-a/net.onnx"]);
        }

        TestBackbones.Variant(tmp["other.onnx"]);
        var wrong = Assert.Throws<InspectaUserException>(() => TrainedModel.Load(model, new ModelLoadOptions(tmp["other.onnx"])));
        Assert.Contains("SHA-256", wrong.Message);

        string? before = Environment.GetEnvironmentVariable(BackboneLocator.SearchPathVariable);
        try
        {
            Environment.SetEnvironmentVariable(BackboneLocator.SearchPathVariable, tmp["nowhere"] + Path.PathSeparator + tmp["site-b"]);
            using var found = TrainedModel.Load(model);
            Assert.True(File.Exists(tmp["site-b/renamed.onnx.sha256"]), "the hash is remembered beside the file");
            // An edited file keeps no stale identity: the hit is hashed again.
            File.WriteAllBytes(tmp["site-b/renamed.onnx"], [.. File.ReadAllBytes(tmp["site-b/renamed.onnx"]), 0]);
            File.SetLastWriteTimeUtc(tmp["site-b/renamed.onnx"], File.GetLastWriteTimeUtc(tmp["site-b/renamed.onnx.sha256"]).AddSeconds(-10));
            Assert.Throws<InspectaUserException>(() => TrainedModel.Load(model));
        }
        finally { Environment.SetEnvironmentVariable(BackboneLocator.SearchPathVariable, before); }
    }

    [Fact]
    public void ABundledModelPredictsIdenticallyWithoutItsBackboneAndRefusesATamperedOne()
    {
        using var tmp = new TempDir();
        string model = FitOn(tmp, tmp["net.onnx"], 21);
        var export = CliRunner.Run("export", "--model", model, "--bundle", "--out", tmp["bundle.inspecta"], "--json");
        Assert.True(export.ExitCode == 0, export.Stderr + export.Stdout);
        var summary = JsonNode.Parse(export.Stdout)!;
        Assert.True((bool)summary["bundled"]!);
        Assert.True((long)summary["bytes"]! > new FileInfo(tmp["net.onnx"]).Length);

        string reference = tmp["reference.inspecta"];
        File.Copy(model, reference);
        string backboneBytes = tmp["net.onnx.keep"];
        File.Move(tmp["net.onnx"], backboneBytes);
        Assert.Throws<InspectaUserException>(() => TrainedModel.Load(model));
        using (var bundled = TrainedModel.Load(tmp["bundle.inspecta"]))
        {
            File.Move(backboneBytes, tmp["net.onnx"]);
            AssertSamePrediction(reference, bundled);
        }

        // A bundle whose backbone bytes were changed is refused, naming the file.
        string tampered = tmp["tampered.inspecta"];
        File.Copy(tmp["bundle.inspecta"], tampered);
        using (var zip = ZipFile.Open(tampered, ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry(BackboneLocator.BundleEntry)!;
            byte[] bytes;
            using (var s = entry.Open()) { using var ms = new MemoryStream(); s.CopyTo(ms); bytes = ms.ToArray(); }
            entry.Delete();
            bytes[^1] ^= 1;
            using var w = zip.CreateEntry(BackboneLocator.BundleEntry).Open();
            w.Write(bytes);
        }
        var ex = Assert.Throws<InspectaUserException>(() => TrainedModel.Load(tampered));
        Assert.Contains("tampered.inspecta", ex.Message);
        Assert.Contains("bundled backbone", ex.Message);

        File.Delete(Path.Combine(ModelCache.Directory, "bundled", ((string)summary["sha256"]!).ToLowerInvariant() + ".onnx"));   // keep the test cache small

        Assert.Equal(2, CliRunner.Run("export", "--model", model, "--out", tmp["x.inspecta"]).ExitCode);        // no --bundle
        Assert.Equal(2, CliRunner.Run("export", "--model", model, "--bundle", "--out", model).ExitCode);        // onto itself
        Assert.Equal(2, CliRunner.Run("export", "--model", tmp["none.inspecta"], "--bundle", "--out", tmp["y.inspecta"]).ExitCode);
    }

    [Fact]
    public void ModelsAddPutsALocalBackboneIntoTheCacheWhereModelsFindItByHash()
    {
        using var tmp = new TempDir();
        string model = FitOn(tmp, tmp["net.onnx"], 31);
        string name = "travel-" + Guid.NewGuid().ToString("N")[..8];
        var add = CliRunner.Run("models", "add", tmp["net.onnx"], "--name", name, "--json");
        Assert.True(add.ExitCode == 0, add.Stderr + add.Stdout);
        string cached = (string)JsonNode.Parse(add.Stdout)!["path"]!;
        try
        {
            Assert.Equal(Path.Combine(ModelCache.Directory, name + ".onnx"), cached);
            Assert.Equal(ModelCache.Sha256Of(tmp["net.onnx"]), (string)JsonNode.Parse(add.Stdout)!["sha256"]!);
            File.Delete(tmp["net.onnx"]);
            using var loaded = TrainedModel.Load(model);   // found in the cache by hash, under another name
            loaded.Save(tmp["resaved.inspecta"]);
            Assert.Equal(cached, (string)ModelReader.Open(tmp["resaved.inspecta"]).Parameters["backbone"]!["path"]!);

            // A different file under the same name is refused unless --force; a file that is not ONNX is refused.
            TestBackbones.Variant(tmp["other.onnx"]);
            var clash = CliRunner.Run("models", "add", tmp["other.onnx"], "--name", name);
            Assert.Equal(2, clash.ExitCode);
            Assert.Contains("--force", clash.Stderr);
            File.WriteAllText(tmp["junk.onnx"], "not a network");
            Assert.Equal(2, CliRunner.Run("models", "add", tmp["junk.onnx"], "--name", name + "-junk").ExitCode);
            Assert.False(File.Exists(Path.Combine(ModelCache.Directory, name + "-junk.onnx")));
        }
        finally
        {
            foreach (string f in Directory.GetFiles(ModelCache.Directory, name + "*")) File.Delete(f);
        }
    }
}
