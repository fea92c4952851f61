namespace Inspecta.Imaging;

/// <summary>Which neighbours join pixels into one connected component.</summary>
public enum Connectivity
{
    /// <summary>Edge neighbours only (the thesis text's definition of a region).</summary>
    Four,

    /// <summary>Edge and diagonal neighbours (the official MVTec evaluation code: a 3×3 all-ones structure).</summary>
    Eight,
}
