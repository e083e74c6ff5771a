using System.Diagnostics;
using System.Globalization;

namespace FluxSharp.Cli.Flux;

/// <summary>
/// flux's stderr logger: ✚ generating, ► action, ✔ success, ◎ waiting, ✗ failure. The symbols are coloured only for a person at a
/// terminal: stderr not redirected and NO_COLOR (https://no-color.org) unset, so scripts and logs get plain text.
/// </summary>
internal static class Log
{
    private const string Green = "32";
    private const string Red = "31";
    private const string Cyan = "36";
    private const string Yellow = "33";

    /// <summary>stderr is a terminal: waits draw a spinner in place instead of printing lines.</summary>
    public static bool Interactive { get; } = !Console.IsErrorRedirected;

    /// <summary>Colour escapes are written (a terminal, and NO_COLOR unset).</summary>
    public static bool Color { get; } = Interactive && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));

    /// <summary>Serialises stderr writes so a spinner line and messages never interleave.</summary>
    internal static Lock Gate { get; } = new();

    public static void Generate(string message) => Write("✚", Green, message);

    public static void Action(string message) => Write("►", Cyan, message);

    public static void Success(string message) => Write("✔", Green, message);

    public static void Waiting(string message) => Write("◎", Yellow, message);

    public static void Failure(string message) => Write("✗", Red, message);

    /// <summary>The symbol in its colour when colour is on.</summary>
    public static string Paint(string symbol, string color) => Color ? $"\e[{color}m{symbol}\e[0m" : symbol;

    private static void Write(string symbol, string color, string message)
    {
        lock (Gate)
        {
            Console.Error.WriteLine(Paint(symbol, color) + " " + message);
        }
    }

    /// <summary>
    /// A wait's progress. On a terminal: a spinner line redrawn in place with the object's current status and the
    /// time waited, erased when the wait ends. Redirected: a `◎ status` line only when the status changes, so logs
    /// show what happened without a line per poll.
    /// </summary>
    internal sealed class Progress : IAsyncDisposable
    {
        private static readonly string[] Frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
        private readonly string _what;
        private readonly long _started = Stopwatch.GetTimestamp();
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _spinner = Task.CompletedTask;
        private string? _status;

        /// <param name="what">what is waited for, e.g. "Kustomization flux-system/flux-system".</param>
        public Progress(string what)
        {
            _what = what;
            if (Interactive)
            {
                _spinner = SpinAsync();
            }
        }

        /// <summary>The current status (null: nothing worth saying yet).</summary>
        public void Report(string? status)
        {
            if (status == Volatile.Read(ref _status))
            {
                return;
            }

            Volatile.Write(ref _status, status);
            if (!Interactive && status is not null)
            {
                Waiting(status);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _spinner;
            if (Interactive)
            {
                lock (Gate)
                {
                    Console.Error.Write("\r\e[K");
                }
            }

            _stop.Dispose();
        }

        private async Task SpinAsync()
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
            var frame = 0;
            try
            {
                do
                {
                    Draw(frame++);
                }
                while (await timer.WaitForNextTickAsync(_stop.Token));
            }
            catch (OperationCanceledException)
            {
                // The wait is over.
            }
        }

        private void Draw(int frame)
        {
            var seconds = (int)Stopwatch.GetElapsedTime(_started).TotalSeconds;
            var status = Volatile.Read(ref _status);
            var line = string.Create(CultureInfo.InvariantCulture, $"{_what}{(status is null ? string.Empty : ": " + status)} ({seconds}s)");
            // One terminal row: a wrapped line could not be redrawn in place.
            var width = Width() - 3;
            if (width > 3 && line.Length > width)
            {
                line = line[..(width - 1)] + "…";
            }

            lock (Gate)
            {
                Console.Error.Write("\r\e[K" + Paint(Frames[frame % Frames.Length], Cyan) + " " + line);
            }
        }

        private static int Width()
        {
            try
            {
                return Console.WindowWidth;
            }
            catch (IOException)
            {
                return 80;
            }
        }
    }
}
