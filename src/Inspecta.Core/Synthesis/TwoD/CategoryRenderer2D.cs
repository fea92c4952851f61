using Inspecta.Imaging;

namespace Inspecta.Synthesis.TwoD;

/// <summary>
/// One synthetic 2D category: how good samples vary (<see cref="CreateLayout"/>) and how a layout is
/// drawn to an albedo image (before lighting and sensor noise). Drawing is a pure function of the layout.
/// </summary>
public abstract class CategoryRenderer2D
{
    public abstract string Name { get; }
    public abstract string Description { get; }
    /// <summary>Structural defect types this category gets (folder names under test/).</summary>
    public abstract IReadOnlyList<string> DefectTypes { get; }
    /// <summary>Logical anomaly types; non-empty means the category is written in MVTec LOCO AD layout.</summary>
    public virtual IReadOnlyList<string> LogicalTypes => [];
    public bool IsLoco => LogicalTypes.Count > 0;
    /// <summary>A texture (defects anywhere, no pose) rather than an object.</summary>
    public virtual bool IsTexture => false;

    public abstract SceneLayout2D CreateLayout(SynthRandom rng, int size);

    /// <summary>0..1: how much of the pixel is object surface on which surface defects may lie.</summary>
    public abstract float SupportAt(SceneLayout2D layout, float px, float py);

    protected abstract Rgb BaseColor(SceneLayout2D layout, GradientNoise noise, float px, float py);

    public ImageF Draw(SceneLayout2D layout)
    {
        int n = layout.Size;
        var image = new ImageF(3, n, n);
        var noise = new GradientNoise(new SynthRandom(layout.TextureSeed));
        int plane = n * n;
        Parallel.For(0, n, y =>
        {
            for (int x = 0; x < n; x++)
            {
                float px = x + 0.5f, py = y + 0.5f;
                Rgb c = BaseColor(layout, noise, px, py);
                foreach (var part in layout.Components) c = DrawComponent(part, c, px, py);
                int i = y * n + x;
                image.Data[i] = c.R; image.Data[plane + i] = c.G; image.Data[2 * plane + i] = c.B;
            }
        });
        return image;
    }

    public float[] SupportMap(SceneLayout2D layout)
    {
        int n = layout.Size;
        var map = new float[n * n];
        Parallel.For(0, n, y =>
        {
            for (int x = 0; x < n; x++) map[y * n + x] = SupportAt(layout, x + 0.5f, y + 0.5f);
        });
        return map;
    }

    /// <summary>Part with a hard drop shadow and simple shading (lit from the top-left).</summary>
    protected virtual Rgb DrawComponent(Component2D part, Rgb under, float px, float py)
    {
        float shadow = Sdf2D.Coverage(part.Distance(px - Component2D.ShadowOffset, py - Component2D.ShadowOffset));
        Rgb c = under.Scale(1f - 0.45f * shadow);
        float d = part.Distance(px, py);
        float cover = Sdf2D.Coverage(d);
        if (cover <= 0) return c;
        float rx = (px - part.X) / MathF.Max(part.HalfWidth, 1), ry = (py - part.Y) / MathF.Max(part.HalfHeight, 1);
        float shade = 0.85f - 0.12f * (rx + ry) + (d > -1.5f ? 0.15f : 0f);
        return Rgb.Lerp(c, part.Color.Scale(shade), cover);
    }
}
