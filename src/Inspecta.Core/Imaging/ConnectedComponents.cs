using System.Buffers;

namespace Inspecta.Imaging;

/// <summary>
/// Connected-component labelling of binary masks (non-zero = foreground) with a two-pass union-find.
/// Labels are 1..n in raster order of each component's first pixel (as scipy.ndimage.label numbers them);
/// 0 is background.
/// </summary>
public static class ConnectedComponents
{
    /// <summary>Labels the foreground of <paramref name="mask"/> (row-major H × W) into <paramref name="labels"/>.</summary>
    /// <returns>The number of components n; labels hold 1..n, background 0.</returns>
    public static int Label(ReadOnlySpan<byte> mask, int height, int width, Span<int> labels, Connectivity connectivity)
    {
        if (height <= 0 || width <= 0) throw new ArgumentOutOfRangeException(nameof(height), $"Mask size must be positive, got {height}×{width}.");
        int n = checked(height * width);
        if (mask.Length < n) throw new ArgumentException($"Mask has {mask.Length} pixels, expected {height}×{width}.", nameof(mask));
        if (labels.Length < n) throw new ArgumentException($"Label buffer has {labels.Length} entries, expected {height}×{width}.", nameof(labels));

        // At most one provisional label per isolated pixel: a checkerboard (4-connectivity) is the worst case.
        int[] parent = ArrayPool<int>.Shared.Rent(n / 2 + 2);
        try
        {
            int next = connectivity == Connectivity.Eight
                ? FirstPassEight(mask, height, width, labels, parent)
                : FirstPassFour(mask, height, width, labels, parent);
            if (next == 1) { labels[..n].Clear(); return 0; }

            // Roots always have the smallest label of their set (unions link the larger root below the
            // smaller one), so one increasing sweep turns every entry into its final consecutive label.
            int count = 0;
            for (int i = 1; i < next; i++)
                parent[i] = parent[i] == i ? ++count : parent[parent[i]];

            for (int i = 0; i < n; i++)
            {
                int l = labels[i];
                if (l != 0) labels[i] = parent[l];
            }
            return count;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(parent);
        }
    }

    /// <summary>Labels a <see cref="Mask"/>; returns the label image and the component count.</summary>
    public static (int[] Labels, int Count) Label(Mask mask, Connectivity connectivity)
    {
        var labels = new int[mask.Data.Length];
        int count = Label(mask.Data, mask.Height, mask.Width, labels, connectivity);
        return (labels, count);
    }

    /// <summary>Pixel count per label: element k is the size of component k (element 0 counts the background).</summary>
    public static int[] ComponentSizes(ReadOnlySpan<int> labels, int count)
    {
        var sizes = new int[count + 1];
        foreach (int l in labels) sizes[l]++;
        return sizes;
    }

    /// <summary>Size of the largest component of a labelled image (0 when there is none).</summary>
    public static int LargestComponentSize(ReadOnlySpan<int> labels, int count)
    {
        if (count == 0) return 0;
        int[] sizes = ComponentSizes(labels, count);
        int max = 0;
        for (int k = 1; k < sizes.Length; k++) max = Math.Max(max, sizes[k]);
        return max;
    }

    private static int FirstPassEight(ReadOnlySpan<byte> mask, int height, int width, Span<int> labels, int[] parent)
    {
        int next = 1;
        for (int y = 0; y < height; y++)
        {
            int row = y * width;
            for (int x = 0; x < width; x++)
            {
                int i = row + x;
                if (mask[i] == 0) { labels[i] = 0; continue; }
                int up = y > 0 ? labels[i - width] : 0;
                if (up != 0) { labels[i] = up; continue; } // up already joins left, up-left and up-right
                int left = x > 0 ? labels[i - 1] : 0;
                int a = left != 0 ? left : (y > 0 && x > 0 ? labels[i - width - 1] : 0); // left and up-left touch
                int b = y > 0 && x + 1 < width ? labels[i - width + 1] : 0;
                if (a != 0)
                {
                    if (b != 0) Union(parent, a, b);
                    labels[i] = a;
                }
                else if (b != 0) labels[i] = b;
                else { parent[next] = next; labels[i] = next++; }
            }
        }
        return next;
    }

    private static int FirstPassFour(ReadOnlySpan<byte> mask, int height, int width, Span<int> labels, int[] parent)
    {
        int next = 1;
        for (int y = 0; y < height; y++)
        {
            int row = y * width;
            for (int x = 0; x < width; x++)
            {
                int i = row + x;
                if (mask[i] == 0) { labels[i] = 0; continue; }
                int up = y > 0 ? labels[i - width] : 0;
                int left = x > 0 ? labels[i - 1] : 0;
                if (up != 0)
                {
                    if (left != 0 && left != up) Union(parent, up, left);
                    labels[i] = up;
                }
                else if (left != 0) labels[i] = left;
                else { parent[next] = next; labels[i] = next++; }
            }
        }
        return next;
    }

    private static int Find(int[] parent, int x)
    {
        int root = x;
        while (parent[root] != root) root = parent[root];
        while (parent[x] != root) { int p = parent[x]; parent[x] = root; x = p; }
        return root;
    }

    private static void Union(int[] parent, int a, int b)
    {
        int ra = Find(parent, a), rb = Find(parent, b);
        if (ra < rb) parent[rb] = ra;
        else if (rb < ra) parent[ra] = rb;
    }
}
