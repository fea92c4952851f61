using Inspecta.Datasets;

namespace Inspecta.Tests.Detectors;

/// <summary>Sample lists for the real bottle category, independent of the dataset readers.</summary>
internal static class BottleSamples
{
    public static Sample[] Train(string root) => List(Path.Combine(root, "train", "good"), Split.Train, "good");

    public static Sample[] Test(string root) =>
        Directory.GetDirectories(Path.Combine(root, "test")).OrderBy(d => d, StringComparer.Ordinal)
            .SelectMany(d => List(d, Split.Test, Path.GetFileName(d)).Select(s => s.IsGood ? s : s with
            {
                MaskPaths = [Path.Combine(root, "ground_truth", s.Label, s.Id + "_mask.png")],
            })).ToArray();

    private static Sample[] List(string dir, Split split, string label) =>
        Directory.GetFiles(dir, "*.png").OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => new Sample(Path.GetFileNameWithoutExtension(f), f, split, label)).ToArray();

    /// <summary>Rank-based AUROC (ties count half), for quick sanity checks.</summary>
    public static double Auroc(IReadOnlyList<(float Score, bool Positive)> items)
    {
        double pairs = 0, wins = 0;
        foreach (var p in items.Where(i => i.Positive))
            foreach (var n in items.Where(i => !i.Positive))
            {
                pairs++;
                wins += p.Score > n.Score ? 1 : p.Score == n.Score ? 0.5 : 0;
            }
        return wins / pairs;
    }
}
