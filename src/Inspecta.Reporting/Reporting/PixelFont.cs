using Inspecta.Imaging;

namespace Inspecta.Reporting;

/// <summary>
/// A 3×5 bitmap font for the few labels drawn into PNGs (numbers, "score", "thr"): no font files or native text
/// rendering needed, and the same pixels on every machine.
/// </summary>
internal static class PixelFont
{
    public const int GlyphWidth = 3, GlyphHeight = 5;

    // Rows top to bottom, '#' = ink.
    private static readonly Dictionary<char, string[]> Glyphs = new()
    {
        ['0'] = ["###", "#.#", "#.#", "#.#", "###"], ['1'] = [".#.", "##.", ".#.", ".#.", "###"],
        ['2'] = ["###", "..#", "###", "#..", "###"], ['3'] = ["###", "..#", "###", "..#", "###"],
        ['4'] = ["#.#", "#.#", "###", "..#", "..#"], ['5'] = ["###", "#..", "###", "..#", "###"],
        ['6'] = ["###", "#..", "###", "#.#", "###"], ['7'] = ["###", "..#", ".#.", ".#.", ".#."],
        ['8'] = ["###", "#.#", "###", "#.#", "###"], ['9'] = ["###", "#.#", "###", "..#", "###"],
        ['.'] = ["...", "...", "...", "...", ".#."], ['-'] = ["...", "...", "###", "...", "..."],
        ['+'] = ["...", ".#.", "###", ".#.", "..."], [' '] = ["...", "...", "...", "...", "..."],
        [':'] = ["...", ".#.", "...", ".#.", "..."], ['e'] = ["...", "###", "##.", "#..", "###"],
        ['s'] = ["...", "###", "##.", "..#", "###"], ['c'] = ["...", "###", "#..", "#..", "###"],
        ['o'] = ["...", "###", "#.#", "#.#", "###"], ['r'] = ["...", "###", "#..", "#..", "#.."],
        ['t'] = [".#.", "###", ".#.", ".#.", ".##"], ['h'] = ["#..", "#..", "###", "#.#", "#.#"],
        ['E'] = ["###", "#..", "###", "#..", "###"],
    };

    /// <summary>Width in pixels of <paramref name="text"/> at <paramref name="scale"/> (one blank column between glyphs).</summary>
    public static int Width(string text, int scale) => text.Length == 0 ? 0 : (text.Length * (GlyphWidth + 1) - 1) * scale;

    /// <summary>Draws <paramref name="text"/> into an RGB image with its top-left at (x, y); unknown characters are blank, off-image pixels clipped.</summary>
    public static void Draw(ImageF rgb, string text, int x, int y, int scale, (float R, float G, float B) color)
    {
        for (int k = 0; k < text.Length; k++)
        {
            if (!Glyphs.TryGetValue(text[k], out var rows)) continue;
            int gx = x + k * (GlyphWidth + 1) * scale;
            for (int row = 0; row < GlyphHeight; row++)
                for (int col = 0; col < GlyphWidth; col++)
                    if (rows[row][col] == '#') Fill(rgb, gx + col * scale, y + row * scale, scale, scale, color);
        }
    }

    /// <summary>Fills a rectangle (clipped to the image).</summary>
    public static void Fill(ImageF rgb, int x, int y, int w, int h, (float R, float G, float B) color)
    {
        int x0 = Math.Max(0, x), y0 = Math.Max(0, y), x1 = Math.Min(rgb.Width, x + w), y1 = Math.Min(rgb.Height, y + h);
        for (int yy = y0; yy < y1; yy++)
            for (int xx = x0; xx < x1; xx++)
            {
                rgb[0, yy, xx] = color.R; rgb[1, yy, xx] = color.G; rgb[2, yy, xx] = color.B;
            }
    }
}
