using System.Globalization;

namespace Inspecta.Geometry.IO;

/// <summary>Allocation-free whitespace tokenizer and number parsing over UTF-8 text (ascii PCD, PLY, XYZ).</summary>
internal ref struct AsciiTokens
{
    private readonly ReadOnlySpan<byte> _text;
    private int _pos;

    public AsciiTokens(ReadOnlySpan<byte> text, int start = 0) { _text = text; _pos = start; }

    public int Position => _pos;

    /// <summary>Next line (without its terminator), or false at the end.</summary>
    public bool NextLine(out ReadOnlySpan<byte> line)
    {
        if (_pos >= _text.Length) { line = default; return false; }
        int end = _text[_pos..].IndexOf((byte)'\n');
        int stop = end < 0 ? _text.Length : _pos + end;
        line = _text[_pos..stop];
        if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
        _pos = end < 0 ? _text.Length : stop + 1;
        return true;
    }

    /// <summary>Next whitespace-separated token anywhere in the text (crossing lines).</summary>
    public bool NextToken(out ReadOnlySpan<byte> token)
    {
        while (_pos < _text.Length && IsSpace(_text[_pos])) _pos++;
        int start = _pos;
        while (_pos < _text.Length && !IsSpace(_text[_pos])) _pos++;
        token = _text[start.._pos];
        return token.Length > 0;
    }

    public static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)',';

    /// <summary>Splits one line into tokens (space, tab or comma separated); returns the count (capped at destination length + 1).</summary>
    public static int Split(ReadOnlySpan<byte> line, Span<Range> destination)
    {
        int count = 0, i = 0;
        while (true)
        {
            while (i < line.Length && IsSpace(line[i])) i++;
            if (i >= line.Length) return count;
            int start = i;
            while (i < line.Length && !IsSpace(line[i])) i++;
            if (count == destination.Length) return count + 1;
            destination[count++] = start..i;
        }
    }

    public static bool TryParse(ReadOnlySpan<byte> token, PointFieldType type, out double value)
    {
        if (type == PointFieldType.Float32)
        {
            bool ok = TryParseFloat(token, out float f);
            value = f;
            return ok;
        }
        if (type == PointFieldType.Float64 || !BinaryValues.IsInteger(type))
            return TryParseDouble(token, out value);
        if (long.TryParse(token, NumberStyles.Integer, CultureInfo.InvariantCulture, out long l)) { value = l; return true; }
        if (ulong.TryParse(token, NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong u)) { value = u; return true; }
        // Some writers print integer fields as "1.000000"; accept them when integral.
        if (TryParseDouble(token, out value) && value == Math.Floor(value)) return true;
        return false;
    }

    public static bool TryParseFloat(ReadOnlySpan<byte> token, out float value)
    {
        if (!float.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            if (!TrySpecial(token, out double d)) return false;
            value = (float)d;
        }
        // C prints the quiet NaN 0x7FC00000 as "nan" and its negative as "-nan"; .NET parses both as 0xFFC00000.
        if (float.IsNaN(value)) value = BitConverter.Int32BitsToSingle(token[0] == (byte)'-' ? unchecked((int)0xFFC00000) : 0x7FC00000);
        return true;
    }

    public static bool TryParseDouble(ReadOnlySpan<byte> token, out double value)
    {
        if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && !TrySpecial(token, out value)) return false;
        if (double.IsNaN(value)) value = BitConverter.Int64BitsToDouble(token[0] == (byte)'-' ? unchecked((long)0xFFF8000000000000) : 0x7FF8000000000000);
        return true;
    }

    private static bool TrySpecial(ReadOnlySpan<byte> t, out double value)
    {
        bool neg = t.Length > 0 && t[0] == (byte)'-';
        var body = neg || (t.Length > 0 && t[0] == (byte)'+') ? t[1..] : t;
        Span<byte> lower = stackalloc byte[Math.Min(body.Length, 16)];
        if (body.Length > 16) { value = 0; return false; }
        for (int i = 0; i < body.Length; i++) lower[i] = (byte)(body[i] | 0x20);
        if (lower.SequenceEqual("nan"u8) || lower.SequenceEqual("-nan"u8) || lower.SequenceEqual("nan(ind)"u8)) { value = double.NaN; return true; }
        if (lower.SequenceEqual("inf"u8) || lower.SequenceEqual("infinity"u8)) { value = neg ? double.NegativeInfinity : double.PositiveInfinity; return true; }
        value = 0;
        return false;
    }
}
