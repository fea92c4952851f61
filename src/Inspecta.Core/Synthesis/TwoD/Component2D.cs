namespace Inspecta.Synthesis.TwoD;

public enum ComponentShape { Box, Circle }

/// <summary>A part placed in a scene (a bolt on a flange, a chip on a board), drawn with a drop shadow.</summary>
public sealed record Component2D(string Kind, ComponentShape Shape, float X, float Y, float HalfWidth, float HalfHeight, float Angle, Rgb Color)
{
    public const float ShadowOffset = 2.5f;

    public float Distance(float px, float py) => Shape == ComponentShape.Circle
        ? Sdf2D.Circle(px, py, X, Y, HalfWidth)
        : Sdf2D.Box(px, py, X, Y, HalfWidth, HalfHeight, Angle, MathF.Min(HalfWidth, HalfHeight) * 0.25f);

    /// <summary>Coverage of the part together with its shadow: every pixel the part can change.</summary>
    public float Footprint(float px, float py) =>
        MathF.Max(Sdf2D.Coverage(Distance(px, py)), Sdf2D.Coverage(Distance(px - ShadowOffset, py - ShadowOffset)));
}
