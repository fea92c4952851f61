using Inspecta.Detectors;
using Inspecta.Detectors.Components;
using Inspecta.Geometry;

namespace Inspecta.Tests.Detectors;

public class ScanValidityModelTests
{
    private const int H = 20, W = 20, Scans = 12;

    /// <summary>Every pixel valid in all 12 training scans.</summary>
    private static ScanValidityModel AlwaysValid() => new(H, W, Scans, Enumerable.Repeat(Scans, H * W).ToArray());

    private static OrganizedCloud Scan(Func<int, int, bool> valid)
    {
        var xyz = new float[H * W * 3];
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
            {
                int p = y * W + x;
                if (!valid(y, x)) { xyz[3 * p] = xyz[3 * p + 1] = xyz[3 * p + 2] = float.NaN; continue; }
                xyz[3 * p] = x; xyz[3 * p + 1] = y; xyz[3 * p + 2] = 1;
            }
        return new OrganizedCloud(H, W, xyz);
    }

    [Fact]
    public void An_isolated_dropout_scores_nothing_but_a_hole_where_training_was_valid_scores_high()
    {
        var model = AlwaysValid();
        var single = Scan((y, x) => !(y == 10 && x == 10));
        var map = new float[H * W];
        model.ScoreMissing(single, map);
        Assert.All(map, v => Assert.Equal(0f, v));

        var hole = Scan((y, x) => !(y is >= 6 and < 14 && x is >= 6 and < 14));
        map = new float[H * W];
        model.ScoreMissing(hole, map);
        // Window fully inside the hole: (E − 0)/√V over the 24 neighbours of q = 13/14 → √(24·13).
        Assert.Equal(MathF.Sqrt(24 * 13), map[10 * W + 10], 3);
        Assert.True(map[6 * W + 6] > 3, $"hole corner {map[6 * W + 6]}");
        Assert.Equal(0f, map[2 * W + 2]);
    }

    [Fact]
    public void Dropouts_where_training_often_had_none_score_little_and_valid_pixels_are_left_alone()
    {
        var model = new ScanValidityModel(H, W, Scans, Enumerable.Repeat(6, H * W).ToArray());
        var hole = Scan((y, x) => !(y is >= 6 and < 14 && x is >= 6 and < 14));
        var map = new float[H * W];
        Array.Fill(map, 0.5f);
        model.ScoreMissing(hole, map);
        // q = 1/2: 24 missing neighbours give (12 − 0)/√6 ≈ 4.9, not √(24·13).
        Assert.Equal(12f / MathF.Sqrt(6), map[10 * W + 10], 3);
        Assert.Equal(0.5f, map[0]);
    }

    [Theory]
    [InlineData(12)]
    [InlineData(200)]
    [InlineData(2000)]
    public void An_isolated_dropout_scores_nothing_however_many_training_scans(int scans)
    {
        var model = new ScanValidityModel(H, W, scans, Enumerable.Repeat(scans, H * W).ToArray());
        foreach (var (py, px) in new[] { (10, 10), (0, 0), (0, 10), (19, 19) })
        {
            var map = new float[H * W];
            model.ScoreMissing(Scan((y, x) => !(y == py && x == px)), map);
            Assert.All(map, v => Assert.Equal(0f, v));
        }
    }

    [Fact]
    public void Squared_shortfall_counts_holes_not_scattered_dropouts()
    {
        var model = new ScanValidityModel(H, W, 200, Enumerable.Repeat(200, H * W).ToArray());
        // Every fourth pixel of every fourth row missing: 25 scattered dropouts.
        Assert.Equal(0, model.SquaredShortfall(Scan((y, x) => !(y % 4 == 1 && x % 4 == 1))));
        var holed = Scan((y, x) => !(y is >= 6 and < 14 && x is >= 6 and < 14));
        var scores = new float[H * W];
        model.ScoreMissing(holed, scores);
        Assert.Equal(scores.Sum(v => (double)v * v), model.SquaredShortfall(holed), 3);
        Assert.True(model.SquaredShortfall(holed) > 1000);
    }
}
