using Inspecta.Detectors.VariationModel;

namespace Inspecta.Tests.Detectors.Classical;

public class PhaseCorrelationAlignerTests
{
    [Theory]
    [InlineData(0.0, 7.0, -4.0)]
    [InlineData(0.0, -12.5, 9.25)]
    public void RecoversTranslation(double angleDeg, double dx, double dy)
    {
        var reference = ClassicalFixtures.PrintedDisc(200, 1, noiseSeed: 1);
        var truth = new RigidTransform(angleDeg * Math.PI / 180, dx, dy, 99.5, 99.5);
        var moved = ClassicalFixtures.Warp(reference, truth);
        var aligner = PhaseCorrelationAligner.FromReference(AlignmentMode.Translation, reference, 256);
        var estimate = aligner.Estimate(moved);
        Assert.Equal(0, estimate.Angle);
        Assert.InRange(estimate.Dx, dx - 0.75, dx + 0.75);
        Assert.InRange(estimate.Dy, dy - 0.75, dy + 0.75);
    }

    [Theory]
    [InlineData(10.0, 5.0, -3.0)]
    [InlineData(-25.0, -8.0, 6.0)]
    [InlineData(170.0, 2.0, 4.0)]
    [InlineData(-100.0, 0.0, 0.0)]
    public void RecoversRotationAndTranslation(double angleDeg, double dx, double dy)
    {
        var reference = ClassicalFixtures.PrintedDisc(200, 3, noiseSeed: 1);
        var truth = new RigidTransform(angleDeg * Math.PI / 180, dx, dy, 99.5, 99.5);
        var moved = ClassicalFixtures.Warp(reference, truth);
        var aligner = PhaseCorrelationAligner.FromReference(AlignmentMode.Rigid, reference, 256);
        var estimate = aligner.Estimate(moved);
        double angleError = Math.IEEERemainder(estimate.Angle - truth.Angle, 2 * Math.PI) * 180 / Math.PI;
        Assert.InRange(angleError, -0.75, 0.75);
        // Compare where the transforms send the image corners: combines angle and shift errors.
        foreach (var (x, y) in new[] { (0.0, 0.0), (199.0, 0.0), (0.0, 199.0), (199.0, 199.0) })
        {
            var (ex, ey) = estimate.Apply(x, y);
            var (tx, ty) = truth.Apply(x, y);
            Assert.True(Math.Sqrt((ex - tx) * (ex - tx) + (ey - ty) * (ey - ty)) < 2.5, $"corner ({x},{y}) off: {estimate} vs {truth}");
        }
    }
}
