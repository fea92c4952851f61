using System.IO.Compression;
using System.Text.Json.Nodes;
using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Detectors.Registry;
using Inspecta.Features;
using Inspecta.Imaging;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Detectors.Conformance;

[CollectionDefinition(nameof(SerialConformance), DisableParallelization = true)]
public sealed class SerialConformance;

/// <summary>
/// What every registered method must do, checked the same way for all of them: a tiny fit saves, reloads and predicts
/// bit-identically; concurrent and batched predictions equal single ones; a damaged model file (a NaN in an array, any
/// manifest parameter missing) is a user error naming the file and leaks no ONNX session.
/// Runs alone: the session count is process-wide.
/// </summary>
[Collection(nameof(SerialConformance))]
public class MethodConformanceTests(ConformanceData data) : IClassFixture<ConformanceData>
{
    [Fact]
    public void QuickOptionsNameDeclaredOptions()
    {
        foreach (var m in MethodRegistry.Default.All)
            foreach (var (name, _) in m.QuickOptions) Assert.True(m.Schema.Find(name) is not null, $"{m.Id}: quick option --{name} is not declared");
    }

    [Theory]
    [MemberData(nameof(ConformanceData.BackboneFree), MemberType = typeof(ConformanceData))]
    public void BackboneFreeMethodConforms(string method) => Conforms(method);

    [Theory]
    [MemberData(nameof(ConformanceData.WithBackbone), MemberType = typeof(ConformanceData))]
    public void BackboneMethodConforms(string method) => Conforms(method);

    private void Conforms(string method)
    {
        using var tmp = new TempDir();
        var descriptor = MethodRegistry.Default.Get(method);
        var (train, validation, test) = data.For(method);
        string path = tmp["model.inspecta"];
        int sessionsBefore = OnnxBackbone.OpenCount;

        Prediction[] fitted;
        using (var model = ModelTrainer.Train(data.Create(method), new FitContext(train) { Validation = validation }))
        {
            Assert.Equal(method, model.Detector.Method);
            model.Save(path);
            fitted = test.Select(model.Detector.Predict).ToArray();
        }

        using (var loaded = TrainedModel.Load(path))
        {
            Assert.Equal(descriptor.Input, loaded.Input);
            var again = test.Select(loaded.Detector.Predict).ToArray();
            for (int i = 0; i < test.Count; i++) AssertIdentical(fitted[i], again[i], $"{method}: reloaded prediction of {test[i].Id}");

            var concurrent = new Prediction[test.Count];
            Parallel.For(0, test.Count, new ParallelOptions { MaxDegreeOfParallelism = 3 }, i => concurrent[i] = loaded.Detector.Predict(test[i]));
            for (int i = 0; i < test.Count; i++) AssertIdentical(fitted[i], concurrent[i], $"{method}: concurrent prediction of {test[i].Id}");

            if (loaded.Detector is IBatchPredictor batcher)
            {
                var batch = batcher.PredictBatch(test);
                for (int i = 0; i < test.Count; i++) AssertIdentical(fitted[i], batch[i], $"{method}: batched prediction of {test[i].Id}");
            }
        }
        Assert.Equal(sessionsBefore, OnnxBackbone.OpenCount);

        // A NaN in any float array, and any manifest parameter removed: a user error that names the file, no leaked session.
        var manifest = ReadManifest(path);
        foreach (var (array, info) in (JsonObject)manifest["arrays"]!)
            if (info!["dtype"]!.GetValue<string>() is "float32" or "float64" && info["shape"]!.AsArray().All(n => n!.GetValue<int>() > 0))
            {
                byte[] nan = info["dtype"]!.GetValue<string>() == "float32" ? BitConverter.GetBytes(float.NaN) : BitConverter.GetBytes(double.NaN);
                string damaged = tmp[$"nan-{array.Replace('/', '_')}.inspecta"]; // array names may have folders (encoder/conv1.weight)
                Rewrite(path, damaged, entryEdit: (info["entry"]!.GetValue<string>(), bytes => nan.CopyTo(bytes, 0)));
                AssertUserError(damaged, $"NaN in '{array}'");
            }
        foreach (var (key, _) in (JsonObject)manifest["parameters"]!)
        {
            string damaged = tmp[$"no-{key}.inspecta"];
            Rewrite(path, damaged, manifestEdit: m => ((JsonObject)m["parameters"]!).Remove(key));
            try { TrainedModel.Load(damaged).Dispose(); } // a key with a documented default (files older than it) may load
            catch (InspectaUserException ex) { Assert.StartsWith(damaged, ex.Message); }
        }
        Assert.Equal(sessionsBefore, OnnxBackbone.OpenCount);

        // The CLI says the same with exit code 2.
        string input = tmp["in"];
        Directory.CreateDirectory(input);
        ImageIO.WritePng(Path.Combine(input, "x.png"), PadimFormTests.Synthetic(1, 5, 32)[0].Image!);
        string nanFile = Directory.GetFiles(tmp.Path, "nan-*.inspecta").First();
        var r = CliRunner.Run("predict", "--model", nanFile, "--input", input, "--out", tmp["out"]);
        Assert.True(r.ExitCode == 2, $"{method}: exit {r.ExitCode}: {r.Stderr}");
        Assert.Contains(nanFile, r.Stderr);
        Assert.DoesNotContain("internal error", r.Stderr);
    }

    private static void AssertUserError(string path, string what)
    {
        var ex = Assert.Throws<InspectaUserException>(() => TrainedModel.Load(path).Dispose());
        Assert.True(ex.Message.StartsWith(path, StringComparison.Ordinal), $"{what}: '{ex.Message}' does not name the file");
    }

    private static void AssertIdentical(Prediction expected, Prediction actual, string what)
    {
        Assert.True(BitConverter.SingleToInt32Bits(expected.Score) == BitConverter.SingleToInt32Bits(actual.Score), $"{what}: score {actual.Score} ≠ {expected.Score}");
        Assert.Equal(expected.Map is null, actual.Map is null);
        if (expected.Map is not null)
        {
            Assert.Equal((expected.Map.Height, expected.Map.Width), (actual.Map!.Height, actual.Map.Width));
            Assert.True(expected.Map.Data.AsSpan().SequenceEqual(actual.Map.Data), $"{what}: maps differ");
        }
        if (expected.PointScores is not null) Assert.True(expected.PointScores.AsSpan().SequenceEqual(actual.PointScores), $"{what}: point scores differ");
    }

    private static JsonObject ReadManifest(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        using var s = zip.GetEntry("manifest.json")!.Open();
        return (JsonObject)JsonNode.Parse(s)!;
    }

    /// <summary>Copies a model file, editing its manifest or one entry's bytes on the way.</summary>
    internal static void Rewrite(string source, string target, Action<JsonObject>? manifestEdit = null, (string Entry, Action<byte[]> Edit)? entryEdit = null)
    {
        using var input = ZipFile.OpenRead(source);
        using var output = ZipFile.Open(target, ZipArchiveMode.Create);
        foreach (var e in input.Entries)
        {
            byte[] bytes;
            using (var s = e.Open()) { using var ms = new MemoryStream(); s.CopyTo(ms); bytes = ms.ToArray(); }
            if (e.FullName == "manifest.json" && manifestEdit is not null)
            {
                var m = (JsonObject)JsonNode.Parse(bytes)!;
                manifestEdit(m);
                bytes = System.Text.Encoding.UTF8.GetBytes(m.ToJsonString());
            }
            if (entryEdit is { } edit && e.FullName == edit.Entry) edit.Edit(bytes);
            using var o = output.CreateEntry(e.FullName).Open();
            o.Write(bytes);
        }
    }
}
