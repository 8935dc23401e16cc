using System.Globalization;

namespace QuicActors.Examples.Common;

/// <summary>
/// Progress of a run of <c>total</c> items: a bar redrawn in place on a terminal, or a plain line at each tenth when the
/// output is redirected (a file, a pipe, a test), so logs stay readable.
/// </summary>
internal sealed class ProgressBar(TextWriter output, bool interactive, long total)
{
    private const int Width = 30;
    private int _lastTenth = -1;

    /// <summary>Whether <paramref name="output"/> is the console and the console is a terminal.</summary>
    public static bool IsInteractive(TextWriter output) => ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;

    public void Report(long done, string detail)
    {
        if (interactive)
        {
            var filled = total == 0 ? Width : (int)(Width * done / total);
            output.Write(string.Create(CultureInfo.InvariantCulture, $"\r[{new string('#', filled)}{new string('.', Width - filled)}] {done}/{total} {detail}   "));
            return;
        }

        var tenth = total == 0 ? 10 : (int)(10 * done / total);
        if (tenth > _lastTenth)
        {
            _lastTenth = tenth;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"progress: {done}/{total} ({tenth * 10}%) {detail}"));
        }
    }

    /// <summary>Ends the bar's line on a terminal.</summary>
    public void Finish()
    {
        if (interactive)
        {
            output.WriteLine();
        }
    }
}
