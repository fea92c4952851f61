using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Inspecta.Benchmarks;

/// <summary>
/// `serve-load <url> <model> <image> <server-pid> [requests-per-level] [soak-requests] [clients,…]`: a bounded load loop
/// from this process against a running `inspecta serve` on loopback (bench/serve-load.sh starts one). Per client count:
/// a fixed number of requests, throughput, p50/p99 latency, status counts; then a soak, printing the server's RSS
/// (/proc/&lt;pid&gt;/status) every tenth of it so that growth shows.
/// </summary>
internal static class ServeLoad
{
    public static void Print(string url, string model, string image, int serverPid, int perLevel, int soak, int[] levels)
    {
        byte[] body = File.ReadAllBytes(image);
        var uri = new Uri(new Uri(url), $"/v1/models/{model}/predict");
        Console.WriteLine($"server {url} (pid {serverPid}), model {model}, image {image} ({body.Length} bytes), {Environment.ProcessorCount} cores");
        Run(uri, body, 2, 20);   // warm-up: JIT, first allocations
        Console.WriteLine($"RSS after warm-up: {Rss(serverPid)} MB");
        Console.WriteLine();
        Console.WriteLine("| clients | requests | throughput (req/s) | p50 (ms) | p99 (ms) | 2xx | 429 | 5xx | other | server RSS after (MB) |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (int clients in levels)
        {
            var r = Run(uri, body, clients, perLevel);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {clients} | {perLevel} | {r.Throughput:F1} | {r.P50:F1} | {r.P99:F1} | {r.Ok} | {r.Rejected} | {r.ServerErrors} | {r.Other} | {Rss(serverPid)} |"));
        }
        if (soak <= 0) return;
        Console.WriteLine();
        Console.WriteLine($"soak: {soak} requests, 8 clients; server RSS every {soak / 10}:");
        var rss = new List<long> { Rss(serverPid) };
        var total = new Result(0, 0, 0, 0, 0, 0, 0);
        for (int part = 0; part < 10; part++)
        {
            var r = Run(uri, body, 8, soak / 10);
            rss.Add(Rss(serverPid));
            total = total with { Ok = total.Ok + r.Ok, Rejected = total.Rejected + r.Rejected, ServerErrors = total.ServerErrors + r.ServerErrors, Other = total.Other + r.Other, Seconds = total.Seconds + r.Seconds };
        }
        Console.WriteLine($"RSS (MB): {string.Join(" → ", rss)}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"soak: {total.Ok} 2xx, {total.Rejected} 429, {total.ServerErrors} 5xx, {total.Other} other in {total.Seconds:F1} s ({(total.Ok + total.Rejected) / total.Seconds:F1} req/s)"));
    }

    private sealed record Result(double Throughput, double P50, double P99, int Ok, int Rejected, int ServerErrors, int Other)
    {
        public double Seconds { get; init; }
    }

    private static Result Run(Uri uri, byte[] body, int clients, int requests)
    {
        var latencies = new ConcurrentBag<double>();
        int ok = 0, rejected = 0, errors = 0, other = 0, next = -1;
        var wall = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            using var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10) }) { Timeout = TimeSpan.FromSeconds(120) };
            while (Interlocked.Increment(ref next) < requests)
            {
                var t = Stopwatch.StartNew();
                using var content = new ByteArrayContent(body);
                using var response = await client.PostAsync(uri, content);
                await response.Content.ReadAsByteArrayAsync();
                latencies.Add(t.Elapsed.TotalMilliseconds);
                int s = (int)response.StatusCode;
                if (s is >= 200 and < 300) Interlocked.Increment(ref ok);
                else if (response.StatusCode == HttpStatusCode.TooManyRequests) Interlocked.Increment(ref rejected);
                else if (s >= 500) Interlocked.Increment(ref errors);
                else Interlocked.Increment(ref other);
            }
        })).ToArray();
        Task.WaitAll(tasks);
        double seconds = wall.Elapsed.TotalSeconds;
        var sorted = latencies.Order().ToArray();
        double Q(double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return new Result(requests / seconds, Q(0.5), Q(0.99), ok, rejected, errors, other) { Seconds = seconds };
    }

    /// <summary>Resident set size of a process in MB, from /proc (Linux).</summary>
    private static long Rss(int pid)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        return -1;
    }
}
