using Inspecta.Detectors;
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
    public void Pixel_score_is_the_standardised_bernoulli_deviation()
    {
        Assert.Equal(MathF.Sqrt(13), ScanValidityModel.PixelScore(valid: false, validInTraining: 12, trainingScans: 12), 5);
        Assert.Equal(MathF.Sqrt(13), ScanValidityModel.PixelScore(valid: true, validInTraining: 0, trainingScans: 12), 5);
        Assert.Equal(1f, ScanValidityModel.PixelScore(valid: false, validInTraining: 6, trainingScans: 12), 5);
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
        // Window fully inside the hole: (E − 0)/√V with 25 pixels of q = 13/14 → 5·√13.
        Assert.Equal(5 * MathF.Sqrt(13), map[10 * W + 10], 3);
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
        // q = 1/2: a 5×5 window all missing is (12.5 − 0)/2.5 = 5, not 5·√13.
        Assert.Equal(5f, map[10 * W + 10], 3);
        Assert.Equal(0.5f, map[0]);
    }

    [Fact]
    public void Squared_distance_sums_the_pixel_scores()
    {
        var model = AlwaysValid();
        var scan = Scan((y, x) => y != 0);
        double expected = W * 13.0 + (H - 1) * W / 13.0;
        Assert.Equal(expected, model.SquaredDistance(scan), 6);
    }
}
