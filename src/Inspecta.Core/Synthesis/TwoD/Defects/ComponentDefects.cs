using Inspecta.Synthesis.TwoD.Categories;

namespace Inspecta.Synthesis.TwoD.Defects;

/// <summary>
/// Defects that change which parts are where (missing, extra, misplaced, wrong colour, mixed series): the scene layout
/// is edited and drawn again; the ground truth is the footprint of every part that changed (one region
/// per place, as in MVTec LOCO AD).
/// </summary>
public static class ComponentDefects
{
    public static (SceneLayout2D Layout, IReadOnlyList<float[]> Regions) Apply(string type, SceneLayout2D layout, SynthRandom rng)
    {
        var parts = layout.Components.ToList();
        if (parts.Count == 0) throw new InvalidOperationException($"Defect '{type}' needs a scene with components.");
        int index = rng.Next(0, parts.Count);
        if (type is DefectTypes2D.ExtraComponent or DefectTypes2D.MisplacedComponent)
        {
            // Only parts small enough to fit in the free board space can be added or moved.
            float limit = 10f * layout.Size / 256f;
            var small = Enumerable.Range(0, parts.Count).Where(i => MathF.Max(parts[i].HalfWidth, parts[i].HalfHeight) <= limit).ToList();
            if (small.Count > 0) index = small[rng.Next(0, small.Count)];
        }
        var part = parts[index];
        switch (type)
        {
            case DefectTypes2D.MissingComponent:
                parts.RemoveAt(index);
                return (layout with { Components = parts }, [Footprint(layout, part, shadow: true)]);
            case DefectTypes2D.MixedSeries:
            {
                // One capacitor from the other reel: its colour is good on other boards, wrong beside its neighbours.
                var capacitors = Enumerable.Range(0, parts.Count).Where(i => parts[i].Kind == AssemblyRenderer.Capacitor).ToList();
                if (capacitors.Count < 2) throw new InvalidOperationException("A mixed series needs at least two capacitors.");
                index = capacitors[rng.Next(0, capacitors.Count)];
                part = parts[index];
                var series = AssemblyRenderer.CapacitorSeries;
                var own = series.MinBy(c => MathF.Abs(c.R - part.Color.R) + MathF.Abs(c.G - part.Color.G) + MathF.Abs(c.B - part.Color.B));
                var other = series.First(c => c != own);
                float tone = part.Color.B / MathF.Max(1e-6f, own.B);
                parts[index] = part with { Color = other.Scale(tone) };
                return (layout with { Components = parts }, [Footprint(layout, part, shadow: false)]);
            }
            case DefectTypes2D.WrongColour:
            {
                Rgb[] palette = [new(0.8f, 0.15f, 0.12f), new(0.9f, 0.75f, 0.1f), new(0.1f, 0.6f, 0.65f), new(0.9f, 0.9f, 0.92f)];
                Rgb color = palette.MaxBy(p => MathF.Abs(p.R - part.Color.R) + MathF.Abs(p.G - part.Color.G) + MathF.Abs(p.B - part.Color.B));
                parts[index] = part with { Color = color };
                return (layout with { Components = parts }, [Footprint(layout, part, shadow: false)]);
            }
            case DefectTypes2D.ExtraComponent:
            case DefectTypes2D.MisplacedComponent:
            {
                var spot = AssemblyRenderer.FindFreeSpot(layout, part, rng)
                    ?? throw new InvalidOperationException("No free place on the board for a component.");
                var moved = part with { X = spot.X, Y = spot.Y, Angle = part.Angle + rng.Range(-0.5f, 0.5f) };
                if (type == DefectTypes2D.ExtraComponent)
                {
                    parts.Add(moved);
                    return (layout with { Components = parts }, [Footprint(layout, moved, shadow: true)]);
                }
                parts[index] = moved;
                return (layout with { Components = parts }, [Footprint(layout, part, shadow: true), Footprint(layout, moved, shadow: true)]);
            }
            default:
                throw new ArgumentException($"Unknown component defect type '{type}'.", nameof(type));
        }
    }

    private static float[] Footprint(SceneLayout2D layout, Component2D part, bool shadow)
    {
        int n = layout.Size;
        var map = new float[n * n];
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
                map[y * n + x] = shadow ? part.Footprint(x + 0.5f, y + 0.5f) : Sdf2D.Coverage(part.Distance(x + 0.5f, y + 0.5f));
        return map;
    }
}
