using QuicActors.Examples.Commands;

return await CommandLineRoot.Create().Parse(args).InvokeAsync().ConfigureAwait(false);
