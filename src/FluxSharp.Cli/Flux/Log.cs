namespace FluxSharp.Cli.Flux;

/// <summary>flux's stderr logger: ✚ generating, ► action, ✔ success, ◎ waiting, ✗ failure.</summary>
internal static class Log
{
    public static void Generate(string message) => Console.Error.WriteLine("✚ " + message);

    public static void Action(string message) => Console.Error.WriteLine("► " + message);

    public static void Success(string message) => Console.Error.WriteLine("✔ " + message);

    public static void Waiting(string message) => Console.Error.WriteLine("◎ " + message);

    public static void Failure(string message) => Console.Error.WriteLine("✗ " + message);
}
