namespace Inspecta.Persistence;

/// <summary>
/// Claims a model file for one writer for the whole of a fit (<c>.&lt;name&gt;.lock</c> beside it, holding the pid), so that
/// a second fit to the same <c>--out</c> says so at the start instead of both training for minutes and both saying "saved"
/// while one overwrites the other. A lock whose process no longer runs is taken over.
/// </summary>
public sealed class OutputLock : IDisposable
{
    private static readonly HashSet<string> HeldHere = new(StringComparer.Ordinal);
    private readonly string _target;
    public string LockPath { get; }

    private OutputLock(string target, string lockPath) { _target = target; LockPath = lockPath; }

    public static string LockPathFor(string target)
    {
        string full = Path.GetFullPath(target);
        return Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.lock");
    }

    /// <summary>Claims <paramref name="target"/>, or throws a user error naming the process that holds it.</summary>
    public static OutputLock Acquire(string target)
    {
        string full = Path.GetFullPath(target), lockPath = LockPathFor(target);
        lock (HeldHere)
            if (!HeldHere.Add(full))
                throw Busy(target, Environment.ProcessId, lockPath);
        try
        {
            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    // CreateNew is atomic (O_EXCL): of two processes starting at once, one wins.
                    using var fs = new FileStream(lockPath, FileMode.CreateNew, FileAccess.Write);
                    using var w = new StreamWriter(fs);
                    w.Write(Environment.ProcessId);
                    return new OutputLock(full, lockPath);
                }
                catch (IOException) when (File.Exists(lockPath) && attempt < 3)
                {
                    int? pid = ReadPid(lockPath);
                    if (pid is int holder && holder != Environment.ProcessId && TempFiles.IsRunning(holder)) throw Busy(target, holder, lockPath);
                    // No pid yet: another process may have created it a moment ago and be writing its pid.
                    if (pid is null && DateTime.UtcNow - File.GetLastWriteTimeUtc(lockPath) < TimeSpan.FromSeconds(10)) throw Busy(target, null, lockPath);
                    File.Delete(lockPath); // left by a process that died (or by this one, whose claim is gone): stale
                }
            }
        }
        catch
        {
            lock (HeldHere) HeldHere.Remove(full);
            throw;
        }
    }

    private static InspectaUserException Busy(string target, int? pid, string lockPath) => InspectaUserException.ForFile(target,
        $"another fit ({(pid is int p ? $"process {p}" : "just starting")}) is writing this model now (lock {lockPath}); wait for it to finish or choose another --out.");

    private static int? ReadPid(string lockPath)
    {
        try { return int.TryParse(File.ReadAllText(lockPath).Trim(), out int pid) ? pid : null; }
        catch (IOException) { return null; }
    }

    public void Dispose()
    {
        try { if (ReadPid(LockPath) == Environment.ProcessId) File.Delete(LockPath); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        lock (HeldHere) HeldHere.Remove(_target);
    }
}
