using Inspecta.Synthesis;
using Inspecta.Synthesis.TwoD.Categories;
using Inspecta.Synthesis.TwoD.Defects;

namespace Inspecta.Tests.Synthesis;

/// <summary>
/// The synthetic LOCO category's logical anomalies are logical: each changes a count, a position or a pairing while
/// every part on its own stays one a good board has (checked on the scene layouts the images are drawn from).
/// </summary>
public class AssemblyLogicalAnomalyTests
{
    private static readonly AssemblyRenderer Renderer = new();

    private static bool SameColour(Inspecta.Synthesis.TwoD.Rgb a, Inspecta.Synthesis.TwoD.Rgb b) =>
        MathF.Abs(a.R - b.R) + MathF.Abs(a.G - b.G) + MathF.Abs(a.B - b.B) < 0.2f;

    private static Inspecta.Synthesis.TwoD.Rgb Series(Inspecta.Synthesis.TwoD.Rgb c) =>
        AssemblyRenderer.CapacitorSeries.MinBy(s => MathF.Abs(s.R - c.R) + MathF.Abs(s.G - c.G) + MathF.Abs(s.B - c.B));

    [Fact]
    public void GoodBoardsUseOneCapacitorSeriesEachAndBothSeriesOccur()
    {
        var seen = new HashSet<Inspecta.Synthesis.TwoD.Rgb>();
        for (ulong seed = 0; seed < 40; seed++)
        {
            var layout = Renderer.CreateLayout(new SynthRandom(seed), 256);
            var caps = layout.Components.Where(c => c.Kind == AssemblyRenderer.Capacitor).Select(c => Series(c.Color)).Distinct().ToList();
            Assert.Single(caps);
            seen.Add(caps[0]);
        }
        Assert.Equal(2, seen.Count);
    }

    [Theory]
    [InlineData(DefectTypes2D.MixedSeries)]
    [InlineData(DefectTypes2D.MissingComponent)]
    [InlineData(DefectTypes2D.ExtraComponent)]
    [InlineData(DefectTypes2D.MisplacedComponent)]
    public void EachLogicalAnomalyKeepsEveryPartLikeAGoodOne(string type)
    {
        for (ulong seed = 0; seed < 20; seed++)
        {
            var layout = Renderer.CreateLayout(new SynthRandom(seed), 256);
            var (edited, regions) = ComponentDefects.Apply(type, layout, new SynthRandom(seed + 1000));
            Assert.NotEmpty(regions);
            var before = layout.Components;
            var after = edited.Components;
            // Every part of the edited board has a kind, size and a colour that good boards have.
            foreach (var p in after)
                Assert.Contains(before.Concat(Renderer.CreateLayout(new SynthRandom(seed + 1), 256).Components),
                    g => g.Kind == p.Kind && g.HalfWidth == p.HalfWidth && (p.Kind == AssemblyRenderer.Capacitor ? SameColour(Series(p.Color), p.Color) : SameColour(g.Color, p.Color)));
            switch (type)
            {
                case DefectTypes2D.MixedSeries:
                    var caps = after.Where(c => c.Kind == AssemblyRenderer.Capacitor).Select(c => Series(c.Color)).ToList();
                    Assert.Equal(2, caps.Distinct().Count());                    // the pairing is broken ...
                    Assert.Equal(1, caps.GroupBy(c => c).Min(g => g.Count()));   // ... by exactly one capacitor
                    Assert.Equal(before.Count, after.Count);
                    break;
                case DefectTypes2D.MissingComponent: Assert.Equal(before.Count - 1, after.Count); break;   // the count
                case DefectTypes2D.ExtraComponent: Assert.Equal(before.Count + 1, after.Count); break;
                case DefectTypes2D.MisplacedComponent:                                                        // the position
                    Assert.Equal(before.Count, after.Count);
                    Assert.Single(before.Zip(after), pair => MathF.Abs(pair.First.X - pair.Second.X) + MathF.Abs(pair.First.Y - pair.Second.Y) > 5);
                    break;
            }
        }
    }
}
