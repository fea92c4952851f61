using System.Net.Sockets;
using System.Text;

namespace Inspecta.Server.Tests.Infrastructure;

/// <summary>
/// A client that sends its request head and only part of its body over a raw socket, then waits: an upload in flight
/// (to hold a request open across a SIGTERM or a model swap) or a client that never finishes.
/// </summary>
public sealed class SlowUpload : IAsyncDisposable
{
    private readonly TcpClient _tcp = new();
    private readonly byte[] _body;
    private NetworkStream _stream = null!;
    private int _sent;

    private SlowUpload(byte[] body) => _body = body;

    /// <summary>Connects, sends the head and the first <paramref name="firstBytes"/> bytes of <paramref name="body"/>.</summary>
    public static async Task<SlowUpload> StartAsync(Uri server, string pathAndQuery, byte[] body, int firstBytes, string? apiKey = null)
    {
        var upload = new SlowUpload(body);
        await upload._tcp.ConnectAsync(server.Host, server.Port);
        upload._stream = upload._tcp.GetStream();
        string head = $"POST {pathAndQuery} HTTP/1.1\r\nHost: {server.Host}:{server.Port}\r\nContent-Type: application/octet-stream\r\nContent-Length: {body.Length}\r\n"
            + (apiKey is null ? "" : $"X-Api-Key: {apiKey}\r\n") + "\r\n";
        await upload._stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await upload.SendAsync(firstBytes);
        return upload;
    }

    public async Task SendAsync(int bytes)
    {
        int n = Math.Min(bytes, _body.Length - _sent);
        await _stream.WriteAsync(_body.AsMemory(_sent, n));
        await _stream.FlushAsync();
        _sent += n;
    }

    public Task FinishAsync() => SendAsync(_body.Length - _sent);

    /// <summary>The status code and body of the answer (read until Content-Length or the connection closes).</summary>
    public async Task<(int Status, string Body)> ReadResponseAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new MemoryStream();
        var chunk = new byte[8192];
        while (true)
        {
            int n;
            try { n = await _stream.ReadAsync(chunk, cts.Token); }
            catch (IOException) { n = 0; }
            if (n == 0) break;
            buffer.Write(chunk, 0, n);
            string text = Encoding.UTF8.GetString(buffer.ToArray());
            int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end < 0) continue;
            var length = text[..end].Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
            bool chunked = text[..end].Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase);
            if (chunked && text.EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal)) break;   // the last chunk (the body is read, not de-chunked)
            if (length is not null && text.Length - end - 4 >= int.Parse(length["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture)) break;
        }
        string response = Encoding.UTF8.GetString(buffer.ToArray());
        if (response.Length < 12) throw new IOException($"no HTTP answer (got '{response}').");
        int status = int.Parse(response.AsSpan(9, 3), provider: System.Globalization.CultureInfo.InvariantCulture);
        int split = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return (status, split < 0 ? "" : response[(split + 4)..]);
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
