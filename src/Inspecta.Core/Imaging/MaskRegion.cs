namespace Inspecta.Imaging;

/// <summary>One 8-connected region of a mask: its bounding box (pixels, top-left origin) and its area in pixels.</summary>
public sealed record MaskRegion(int X, int Y, int Width, int Height, int Area)
{
    /// <summary>The regions of the non-zero pixels of <paramref name="mask"/>, largest first (ties: top-left first).</summary>
    public static IReadOnlyList<MaskRegion> Find(Mask mask, Connectivity connectivity)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var (labels, count) = ConnectedComponents.Label(mask, connectivity);
        if (count == 0) return [];
        // Labels run 1..count; keep per label min/max x, y and the pixel count.
        var box = new int[count + 1, 5];
        for (int l = 1; l <= count; l++) { box[l, 0] = int.MaxValue; box[l, 1] = int.MaxValue; box[l, 2] = -1; box[l, 3] = -1; }
        int w = mask.Width;
        for (int i = 0; i < labels.Length; i++)
        {
            int l = labels[i];
            if (l == 0) continue;
            int x = i % w, y = i / w;
            if (x < box[l, 0]) box[l, 0] = x;
            if (y < box[l, 1]) box[l, 1] = y;
            if (x > box[l, 2]) box[l, 2] = x;
            if (y > box[l, 3]) box[l, 3] = y;
            box[l, 4]++;
        }
        var regions = new List<MaskRegion>(count);
        for (int l = 1; l <= count; l++)
            regions.Add(new MaskRegion(box[l, 0], box[l, 1], box[l, 2] - box[l, 0] + 1, box[l, 3] - box[l, 1] + 1, box[l, 4]));
        return [.. regions.OrderByDescending(r => r.Area).ThenBy(r => r.Y).ThenBy(r => r.X)];
    }
}
