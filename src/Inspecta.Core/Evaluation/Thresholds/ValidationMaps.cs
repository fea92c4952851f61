using Inspecta.Imaging;

namespace Inspecta.Evaluation.Thresholds;

/// <summary>
/// Good validation maps written by any tool, and the pixel thresholds <c>eval</c> estimates from them with every
/// estimator, so that users compare rules on maps they calibrated themselves.
/// </summary>
public static class ValidationMaps
{
    /// <summary>
    /// Reads every <c>*.tif(f)</c> below <paramref name="folder"/> (one size for all, else a user error naming the file); maps of
    /// another size than the test maps are resized bilinearly, since the max-area rule counts pixels, and a note says so.
    /// </summary>
    public static IReadOnlyList<AnomalyMap> Read(string folder, int testHeight, int testWidth, ICollection<string> notes)
    {
        if (!Directory.Exists(folder)) throw InspectaUserException.ForFile(folder, "validation map folder not found.");
        var files = Directory.EnumerateFiles(folder, "*.tif*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw InspectaUserException.ForFile(folder, "contains no .tiff anomaly maps.");
        var maps = files.Select(MapFolderSource.ReadMap).ToList();
        var first = (maps[0].Height, maps[0].Width);
        int resized = 0;
        for (int i = 0; i < maps.Count; i++)
        {
            if ((maps[i].Height, maps[i].Width) != first)
                throw InspectaUserException.ForFile(files[i], $"validation map is {maps[i].Width}×{maps[i].Height} but {files[0]} is {first.Width}×{first.Height}; all validation maps must share one size.");
            if (first == (testHeight, testWidth)) continue;
            maps[i] = Resize.Bilinear(maps[i], testHeight, testWidth);
            resized++;
        }
        if (resized > 0) notes.Add($"{resized} validation maps were resized bilinearly to the test maps' size {testWidth}×{testHeight}.");
        return maps;
    }

    /// <summary>The estimators reported side by side: max, 0.99-quantile, 3-sigma and max-area at <paramref name="minDefectArea"/> (default 0.1 % of the map).</summary>
    public static IReadOnlyList<IThresholdEstimator> Estimators(int? minDefectArea, int height, int width) =>
        [new MaxThreshold(), new QuantileThreshold(), new KSigmaThreshold(), MaxAreaThreshold.For(minDefectArea, height, width)];
}
