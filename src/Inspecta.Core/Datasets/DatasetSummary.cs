using Inspecta.Detectors;

namespace Inspecta.Datasets;

/// <summary>Image sizes seen in a category, most common first.</summary>
public readonly record struct ImageSizeCount(int Height, int Width, int Channels, int Count);

/// <summary>What <c>inspecta dataset info</c> reports for one category.</summary>
/// <param name="Test">Test images per label ("good" first, then defect types by name).</param>
/// <param name="Sizes">Distinct (height, width, channels) over all images, most common first.</param>
/// <param name="GtPixelFraction">Annotated pixels / all pixels over the defect test images that were read; null without pixel ground truth.</param>
/// <param name="GtPixelFractionByType">The same per defect type.</param>
/// <param name="MasksRead">Defect images whose masks were read (all, or an evenly spaced sample of them).</param>
/// <param name="DefectImages">All defect test images.</param>
/// <param name="ChannelTypes">MVTec LOCO AD: ground-truth channels per defect type (from <c>defects_config.json</c>) over the masks read.</param>
public sealed record CategorySummary(
    string Name,
    int Train,
    int Validation,
    bool ValidationCarved,
    IReadOnlyDictionary<string, int> Test,
    IReadOnlyList<ImageSizeCount> Sizes,
    int BitDepth,
    double? GtPixelFraction,
    IReadOnlyDictionary<string, double> GtPixelFractionByType,
    int MasksRead,
    int DefectImages,
    IReadOnlyDictionary<string, int>? ChannelTypes)
{
    /// <summary>The most common size, or null when the category has no images (point-cloud layouts).</summary>
    public ImageSizeCount? PrimarySize => Sizes.Count > 0 ? Sizes[0] : null;
    /// <summary>The category's layout (a root may mix layouts).</summary>
    public DatasetFormat Format { get; init; }
    public bool GtSampled => MasksRead < DefectImages;
}

/// <summary>
/// Computes <see cref="CategorySummary"/>s: counts from the file lists, sizes from image headers only,
/// the ground-truth pixel fraction from the masks (every defect image up to <c>maxMasks</c>, else an
/// evenly spaced deterministic sample).
/// </summary>
public static class DatasetSummary
{
    public const int DefaultMaxMasks = 300;

    public static CategorySummary Summarize(Category category, int maxMasks = DefaultMaxMasks, IProgress<ProgressUpdate>? progress = null)
    {
        // Only image samples have pixel headers (point-cloud layouts have none; their sizes stay empty).
        var all = category.Train.Concat(category.Validation).Concat(category.Test)
            .Where(s => s.Image is not null || DatasetFiles.IsImage(s.Path)).ToList();
        var infos = new Imaging.ImageInfo[all.Count];
        var headers = new Counter(progress, $"{category.Name}: headers", all.Count, every: 64);
        ForEach(all.Count, i =>
        {
            infos[i] = all[i].ReadImageInfo();
            headers.Increment();
        });
        var sizes = infos.GroupBy(i => (i.Height, i.Width, i.Channels))
            .Select(g => new ImageSizeCount(g.Key.Height, g.Key.Width, g.Key.Channels, g.Count()))
            .OrderByDescending(s => s.Count).ThenBy(s => s.Height).ThenBy(s => s.Width).ToList();
        int bitDepth = infos.Length == 0 ? 0 : infos.GroupBy(i => i.BitDepth).OrderByDescending(g => g.Count()).First().Key;

        var test = new Dictionary<string, int>();
        foreach (string label in category.TestLabels) test[label] = category.Test.Count(s => s.Label == label);

        var defects = category.Test.Where(s => !s.IsGood).ToList();
        var chosen = Pick(defects, maxMasks);
        double? fraction = null;
        var byType = new Dictionary<string, double>();
        Dictionary<string, int>? channelTypes = null;
        if (category.HasPixelGroundTruth && chosen.Count > 0)
        {
            var annotated = new long[chosen.Count];
            var total = new long[chosen.Count];
            var channelNames = new string[chosen.Count][];
            var config = category.DefectsConfig;
            var masks = new Counter(progress, $"{category.Name}: masks", chosen.Count, every: 16);
            ForEach(chosen.Count, i =>
            {
                var channels = chosen[i].LoadGroundTruthChannels();
                if (channels.Count == 0) throw InspectaUserException.ForFile(chosen[i].Path, "defect image has no ground-truth mask.");
                int n = channels[0].Data.Length;
                long count = 0;
                for (int p = 0; p < n; p++)
                {
                    bool any = false;
                    foreach (var c in channels) if (c.Data[p] != 0) { any = true; break; }
                    if (any) count++;
                }
                annotated[i] = count;
                total[i] = n;
                if (config is not null)
                    channelNames[i] = channels.Select((c, k) => config.ForChannel(c, chosen[i].MaskPaths[k]).DefectName).ToArray();
                masks.Increment();
            });
            fraction = (double)annotated.Sum() / total.Sum();
            foreach (var g in Enumerable.Range(0, chosen.Count).GroupBy(i => chosen[i].Label).OrderBy(g => g.Key, StringComparer.Ordinal))
                byType[g.Key] = (double)g.Sum(i => annotated[i]) / g.Sum(i => total[i]);
            if (config is not null)
                channelTypes = channelNames.SelectMany(n => n).GroupBy(n => n).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());
        }
        return new CategorySummary(category.Name, category.Train.Count, category.Validation.Count, category.ValidationCarved, test, sizes, bitDepth,
            fraction, byType, category.HasPixelGroundTruth ? chosen.Count : 0, defects.Count, channelTypes) { Format = category.Format };
    }

    /// <summary>
    /// Parallel loop that rethrows the failure of the lowest index as is (not an AggregateException),
    /// so several bad files still give one deterministic user error.
    /// </summary>
    private static void ForEach(int count, Action<int> body)
    {
        var errors = new Exception?[count];
        Parallel.For(0, count, i =>
        {
            try { body(i); }
            catch (Exception ex) { errors[i] = ex; }
        });
        foreach (var ex in errors)
            if (ex is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex).Throw();
    }

    /// <summary>Thread-safe progress counter reporting in order, every <c>every</c> items and at the end.</summary>
    private sealed class Counter(IProgress<ProgressUpdate>? progress, string stage, int total, int every)
    {
        private int _done;
        private readonly Lock _lock = new();

        public void Increment()
        {
            if (progress is null) return;
            lock (_lock)
            {
                _done++;
                if (_done % every == 0 || _done == total) progress.Report(new ProgressUpdate(stage, _done, total));
            }
        }
    }

    /// <summary>All items when there are at most <paramref name="max"/>, else <paramref name="max"/> evenly spaced ones.</summary>
    private static List<Sample> Pick(List<Sample> items, int max)
    {
        if (max <= 0) return [];
        if (items.Count <= max) return items;
        var picked = new List<Sample>(max);
        for (int k = 0; k < max; k++) picked.Add(items[(int)((long)k * items.Count / max)]);
        return picked;
    }
}
