using QuicActors.Examples.Commands;

return CommandLineRoot.Create().Parse(args).Invoke();
