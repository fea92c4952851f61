namespace Inspecta;

/// <summary>
/// A problem with what the user gave us (a path, a file, an option), as opposed to a bug.
/// The CLI prints the message without a stack trace and exits with code 2.
/// </summary>
public class InspectaUserException : Exception
{
    public InspectaUserException(string message) : base(message) { }
    public InspectaUserException(string message, Exception inner) : base(message, inner) { }

    /// <summary>An error about one file: the message always starts with the path.</summary>
    public static InspectaUserException ForFile(string path, string problem, Exception? inner = null) =>
        inner is null ? new InspectaUserException($"{path}: {problem}") : new InspectaUserException($"{path}: {problem}", inner);
}
