namespace Inspecta.Geometry.Meshes;

/// <summary>Whitespace-separated tokens of a text file, line-aware, with '#' comments removed.</summary>
internal sealed class TokenStream(IEnumerable<string> lines)
{
    private readonly IEnumerator<string> _lines = lines.GetEnumerator();
    private string[] _current = [];
    private int _pos;

    public string? Next()
    {
        while (_pos >= _current.Length)
        {
            if (!_lines.MoveNext()) return null;
            string line = _lines.Current;
            int hash = line.IndexOf('#');
            if (hash >= 0) line = line[..hash];
            _current = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            _pos = 0;
        }
        return _current[_pos++];
    }

    public void SkipRestOfLine() => _pos = _current.Length;
}
