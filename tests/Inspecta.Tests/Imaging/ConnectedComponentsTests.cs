using Inspecta.Imaging;

namespace Inspecta.Tests.Imaging;

public class ConnectedComponentsTests
{
    private static (int[] Labels, int Count) Label(string[] rows, Connectivity c)
    {
        int h = rows.Length, w = rows[0].Length;
        var mask = new byte[h * w];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                mask[y * w + x] = rows[y][x] == '#' ? (byte)255 : (byte)0;
        var labels = new int[h * w];
        int n = ConnectedComponents.Label(mask, h, w, labels, c);
        return (labels, n);
    }

    [Fact]
    public void DiagonalTouchIsOneRegionUnderEightButTwoUnderFour()
    {
        string[] rows = ["##..", "##..", "..##", "..##"];
        Assert.Equal(1, Label(rows, Connectivity.Eight).Count);
        Assert.Equal(2, Label(rows, Connectivity.Four).Count);
    }

    [Fact]
    public void LabelsAreConsecutiveInRasterOrderOfFirstPixel()
    {
        // A U shape whose arms meet late (needs a union), then two later blobs.
        string[] rows =
        [
            "#.#..#",
            "#.#...",
            "###.##",
            "......",
        ];
        var (labels, n) = Label(rows, Connectivity.Four);
        Assert.Equal(3, n);
        Assert.Equal(1, labels[0]);  // U (first pixel at (0,0))
        Assert.Equal(1, labels[2]);  // right arm joined to the U
        Assert.Equal(2, labels[5]);  // isolated pixel at (0,5)
        Assert.Equal(3, labels[2 * 6 + 4]);
        Assert.Equal(0, labels[1]);
        int[] sizes = ConnectedComponents.ComponentSizes(labels, n);
        Assert.Equal([24 - 10, 7, 1, 2], sizes);
        Assert.Equal(7, ConnectedComponents.LargestComponentSize(labels, n));
    }

    [Fact]
    public void CheckerboardWorstCaseDoesNotOverflow()
    {
        int h = 31, w = 33;
        var mask = new byte[h * w];
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) mask[y * w + x] = (byte)((x + y) % 2 == 0 ? 1 : 0);
        var labels = new int[h * w];
        Assert.Equal((h * w + 1) / 2, ConnectedComponents.Label(mask, h, w, labels, Connectivity.Four));
        Assert.Equal(1, ConnectedComponents.Label(mask, h, w, labels, Connectivity.Eight));
    }

    [Fact]
    public void MatchesFloodFillOnRandomMasks()
    {
        var rng = new Random(7);
        foreach (var c in new[] { Connectivity.Four, Connectivity.Eight })
            for (int trial = 0; trial < 40; trial++)
            {
                int h = rng.Next(1, 40), w = rng.Next(1, 40);
                var mask = new byte[h * w];
                double p = rng.NextDouble();
                for (int i = 0; i < mask.Length; i++) mask[i] = rng.NextDouble() < p ? (byte)1 : (byte)0;
                var labels = new int[h * w];
                int n = ConnectedComponents.Label(mask, h, w, labels, c);
                var (reference, rn) = FloodFill(mask, h, w, c);
                Assert.Equal(rn, n);
                Assert.Equal(reference, labels);
            }
    }

    [Fact]
    public void EmptyMaskHasNoComponents()
    {
        var labels = new int[12];
        Array.Fill(labels, 9);
        Assert.Equal(0, ConnectedComponents.Label(new byte[12], 3, 4, labels, Connectivity.Eight));
        Assert.All(labels, l => Assert.Equal(0, l));
    }

    private static (int[], int) FloodFill(byte[] mask, int h, int w, Connectivity c)
    {
        var labels = new int[h * w];
        int n = 0;
        var stack = new Stack<int>();
        for (int s = 0; s < mask.Length; s++)
        {
            if (mask[s] == 0 || labels[s] != 0) continue;
            labels[s] = ++n;
            stack.Push(s);
            while (stack.Count > 0)
            {
                int i = stack.Pop(), y = i / w, x = i % w;
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        if ((dy == 0 && dx == 0) || (c == Connectivity.Four && dy != 0 && dx != 0)) continue;
                        int yy = y + dy, xx = x + dx;
                        if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
                        int j = yy * w + xx;
                        if (mask[j] != 0 && labels[j] == 0) { labels[j] = n; stack.Push(j); }
                    }
            }
        }
        return (labels, n);
    }
}
