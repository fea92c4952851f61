namespace Inspecta.Geometry.IO;

/// <summary>
/// LZF (liblzf format, as used by PCD binary_compressed): literal runs of 1–32 bytes and back-references
/// of 3–264 bytes within an 8 KiB window.
/// </summary>
public static class Lzf
{
    private const int MaxLiteral = 32, MaxOffset = 1 << 13, MaxMatch = 264, HashBits = 14;

    /// <summary>Decompresses into <paramref name="output"/>; returns the number of bytes written, or -1 when the input is corrupt.</summary>
    public static int Decompress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int ip = 0, op = 0;
        while (ip < input.Length)
        {
            int ctrl = input[ip++];
            if (ctrl < 32)
            {
                int len = ctrl + 1;
                if (ip + len > input.Length || op + len > output.Length) return -1;
                input.Slice(ip, len).CopyTo(output[op..]);
                ip += len; op += len;
            }
            else
            {
                int len = ctrl >> 5;
                if (len == 7)
                {
                    if (ip >= input.Length) return -1;
                    len += input[ip++];
                }
                if (ip >= input.Length) return -1;
                int reference = op - ((ctrl & 0x1f) << 8) - 1 - input[ip++];
                len += 2;
                if (reference < 0 || op + len > output.Length) return -1;
                // Byte by byte: the source may overlap the destination (run-length style matches).
                for (int k = 0; k < len; k++) output[op + k] = output[reference + k];
                op += len;
            }
        }
        return op;
    }

    /// <summary>Compresses <paramref name="input"/>; the result is never larger than input + input/32 + 1.</summary>
    public static byte[] Compress(ReadOnlySpan<byte> input)
    {
        var output = new byte[input.Length + input.Length / MaxLiteral + 16];
        var table = new int[1 << HashBits];
        table.AsSpan().Fill(-1);
        int ip = 0, op = 0, literalStart = 0, n = input.Length;
        while (ip + 2 < n)
        {
            int h = Hash(input[ip], input[ip + 1], input[ip + 2]);
            int candidate = table[h];
            table[h] = ip;
            int offset = ip - candidate - 1;
            if (candidate >= 0 && offset < MaxOffset
                && input[candidate] == input[ip] && input[candidate + 1] == input[ip + 1] && input[candidate + 2] == input[ip + 2])
            {
                int max = Math.Min(MaxMatch, n - ip), len = 3;
                while (len < max && input[candidate + len] == input[ip + len]) len++;
                op = EmitLiterals(input[literalStart..ip], output, op);
                int l = len - 2;
                if (l < 7) output[op++] = (byte)((l << 5) | (offset >> 8));
                else { output[op++] = (byte)((7 << 5) | (offset >> 8)); output[op++] = (byte)(l - 7); }
                output[op++] = (byte)offset;
                // Index the positions inside the match so later data can refer to them.
                for (int k = ip + 1; k < ip + len && k + 2 < n; k++) table[Hash(input[k], input[k + 1], input[k + 2])] = k;
                ip += len;
                literalStart = ip;
            }
            else ip++;
        }
        op = EmitLiterals(input[literalStart..n], output, op);
        return output.AsSpan(0, op).ToArray();
    }

    private static int EmitLiterals(ReadOnlySpan<byte> literals, byte[] output, int op)
    {
        while (literals.Length > 0)
        {
            int chunk = Math.Min(MaxLiteral, literals.Length);
            output[op++] = (byte)(chunk - 1);
            literals[..chunk].CopyTo(output.AsSpan(op));
            op += chunk;
            literals = literals[chunk..];
        }
        return op;
    }

    private static int Hash(byte a, byte b, byte c) => (int)(((uint)((a << 16) | (b << 8) | c) * 2654435761u) >> (32 - HashBits));
}
