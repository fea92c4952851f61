using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Imaging;

namespace Inspecta.Evaluation;

/// <summary>
/// Obtains <see cref="EvaluatedImage"/>s from anomaly maps stored as float32 TIFF in the official layout
/// <c>&lt;maps&gt;/&lt;category&gt;/test/&lt;label&gt;/&lt;id&gt;.tiff</c> (or <c>&lt;label&gt;/&lt;id&gt;.tiff</c> right under the
/// given folder, as <c>inspecta predict</c> writes them for a test folder). Maps whose size differs from the ground
/// truth are resized to it (bilinear, half-pixel centres) and a note says so. Every problem names the file:
/// missing maps (all of them listed), unreadable TIFFs, multi-channel maps, NaN or infinite scores.
/// </summary>
public static class MapFolderSource
{
    public static string MapPath(string mapsRoot, string category, Sample sample) =>
        Path.Combine(mapsRoot, category, "test", sample.Label, sample.Id + ".tiff");

    /// <summary>Where each sample's map is under <paramref name="mapsRoot"/>, in whichever accepted layout the folder uses.</summary>
    public static Func<Sample, string> PathsIn(string mapsRoot, string category, IReadOnlyList<Sample> samples)
    {
        string labelsRoot = LabelsRoot(mapsRoot, category, samples);
        return s => Locate(labelsRoot, s) ?? Path.Combine(labelsRoot, s.Label, s.Id + ".tiff");
    }

    /// <param name="loadGroundTruth">The union ground truth of a test sample (all zero for good ones) at image resolution.</param>
    /// <param name="loadChannels">MVTec LOCO AD: the per-defect channel masks of a sample (null for other layouts).</param>
    /// <param name="locoDefects">MVTec LOCO AD saturation rules; null for the MVTec AD protocol.</param>
    public static EvaluationInput Load(
        string mapsRoot, string category, IReadOnlyList<Sample> testSamples,
        Func<Sample, Mask> loadGroundTruth, Func<Sample, IReadOnlyList<Mask>>? loadChannels,
        IReadOnlyList<DefectSaturation>? locoDefects, IProgress<ProgressUpdate>? progress = null)
    {
        if (!Directory.Exists(mapsRoot)) throw InspectaUserException.ForFile(mapsRoot, "anomaly map folder not found.");
        if (testSamples.Count == 0) throw new InspectaUserException($"Category '{category}' has no test images.");

        string labelsRoot = LabelsRoot(mapsRoot, category, testSamples);
        var paths = testSamples.Select(s => Locate(labelsRoot, s)).ToArray();
        var missing = testSamples.Select((s, i) => (s, i)).Where(t => paths[t.i] is null).Select(t => Path.Combine(labelsRoot, t.s.Label, t.s.Id + ".tiff")).ToList();
        if (missing.Count > 0)
            throw new InspectaUserException(
                $"{missing.Count} of {testSamples.Count} test images have no anomaly map (expected <maps>/<category>/test/<label>/<id>.tiff, " +
                "or <label>/<id>.tiff directly under --maps as `inspecta predict --input <category>/test` writes them):"
                + string.Concat(missing.Select(m => Environment.NewLine + "  " + m)));

        var images = new EvaluatedImage[testSamples.Count];
        var resizedFrom = new (int Height, int Width)?[testSamples.Count];
        int done = 0;
        ParallelUserErrors.Run(() => Parallel.For(0, testSamples.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var sample = testSamples[i];
            string path = paths[i]!;
            var map = ReadMap(path);
            var gt = loadGroundTruth(sample);
            if (map.Height != gt.Height || map.Width != gt.Width)
            {
                resizedFrom[i] = (map.Height, map.Width);
                map = Resize.Bilinear(map, gt.Height, gt.Width);
            }
            var channels = loadChannels?.Invoke(sample);
            images[i] = new EvaluatedImage(sample.Label, sample.Id, map.Max(), map, gt) { Channels = channels is { Count: > 0 } ? channels : null };
            progress?.Report(new ProgressUpdate("maps", Interlocked.Increment(ref done), testSamples.Count));
        }));

        var notes = new List<string>();
        var resized = resizedFrom.Select((r, i) => (r, i)).Where(t => t.r is not null).ToList();
        if (resized.Count > 0)
        {
            var (h, w) = resized[0].r!.Value;
            var gt = images[resized[0].i].GroundTruth;
            notes.Add(resized.All(t => t.r == (h, w))
                ? $"{resized.Count} of {images.Length} anomaly maps were {w}×{h}; resized bilinearly to the ground-truth size {gt.Width}×{gt.Height}."
                : $"{resized.Count} of {images.Length} anomaly maps differed in size from their ground truth; resized bilinearly to it (first: {paths[resized[0].i]}).");
        }
        return new EvaluationInput(category, images, locoDefects) { Notes = notes };
    }

    /// <summary>
    /// The folder holding the <c>&lt;label&gt;/&lt;id&gt;.tiff</c> maps: the official <c>&lt;maps&gt;/&lt;category&gt;/test</c>,
    /// else <c>&lt;maps&gt;/test</c> (a category folder was given), else <c>&lt;maps&gt;</c> itself (the output of
    /// <c>inspecta predict</c> on a test folder). The first layout that holds any of the maps wins, so layouts never mix.
    /// </summary>
    private static string LabelsRoot(string mapsRoot, string category, IReadOnlyList<Sample> samples)
    {
        string official = Path.Combine(mapsRoot, category, "test");
        foreach (string candidate in new[] { official, Path.Combine(mapsRoot, "test"), mapsRoot })
            if (samples.Any(s => Locate(candidate, s) is not null)) return candidate;
        return official;
    }

    private static string? Locate(string labelsRoot, Sample sample)
    {
        string tiff = Path.Combine(labelsRoot, sample.Label, sample.Id + ".tiff");
        if (File.Exists(tiff)) return tiff;
        string tif = Path.ChangeExtension(tiff, ".tif");
        return File.Exists(tif) ? tif : null;
    }

    /// <summary>Reads one single-channel map and rejects non-finite scores, naming the file and the pixel.</summary>
    public static AnomalyMap ReadMap(string path)
    {
        // An 8/16-bit TIFF reads as 0–1 (255 → 1.0): the scores' scale, and any threshold on it, would be silently wrong.
        var info = ImageIO.ReadInfo(path);
        if (info.BitDepth < 32)
            throw InspectaUserException.ForFile(path, $"an anomaly map must hold float scores (32- or 64-bit float TIFF), but this TIFF has {info.BitDepth}-bit integer samples, " +
                "which would read as 0–1 (255 → 1.0) and lose the scores' scale. Write the raw float32 scores (e.g. numpy's astype(np.float32) with tifffile, or `inspecta predict`'s maps).");
        ImageF image = ImageIO.Read(path);
        if (image.Channels != 1)
            throw InspectaUserException.ForFile(path, $"an anomaly map must have one channel, this image has {image.Channels}.");
        var map = AnomalyMap.FromImage(image);
        int bad = map.Data.AsSpan().IndexOfAnyExceptInRange(float.MinValue, float.MaxValue); // NaN and ±Inf are outside
        if (bad >= 0)
            throw InspectaUserException.ForFile(path, $"anomaly map has a non-finite score ({map.Data[bad]}) at x={bad % map.Width}, y={bad / map.Width}.");
        return map;
    }
}
