%% OTP reference for "three nested supervisors of intensity 3 give up after OTP's count".
%% Run: erlc nested.erl && erl -noshell -s nested run -s init stop
%% Prints (OTP 25): root exit shutdown after 64 crashes, leaf starts [{starts,64}]
-module(nested).
-behaviour(supervisor).
-export([run/0, start_sup/1, init/1, start_leaf/0, leaf/0]).

start_sup(Level) -> supervisor:start_link(?MODULE, Level).

init(3) -> {ok, {#{strategy => one_for_one, intensity => 3, period => 5},
                 [#{id => leaf, start => {?MODULE, start_leaf, []}}]}};
init(L) -> {ok, {#{strategy => one_for_one, intensity => 3, period => 5},
                 [#{id => sup, start => {?MODULE, start_sup, [L + 1]}, type => supervisor}]}}.

start_leaf() ->
    Pid = spawn_link(?MODULE, leaf, []),
    ets:update_counter(cnt, starts, 1),
    {ok, Pid}.

leaf() -> receive crash -> exit(boom) end.

find_leaf(Sup) ->
    [{_, P, T, _}] = supervisor:which_children(Sup),
    case T of worker -> P; supervisor -> find_leaf(P) end.

run() ->
    ets:new(cnt, [named_table, public]),
    ets:insert(cnt, {starts, 0}),
    process_flag(trap_exit, true),
    {ok, Root} = start_sup(1),
    loop(Root, 0).

loop(Root, Crashes) ->
    case catch find_leaf(Root) of
        P when is_pid(P) ->
            MRef = monitor(process, P),
            P ! crash,
            receive {'DOWN', MRef, _, _, _} -> ok end,
            timer:sleep(5),
            loop(Root, Crashes + 1);
        _ ->
            receive {'EXIT', Root, R} ->
                io:format("root exit ~p after ~p crashes, leaf starts ~p~n",
                          [R, Crashes, ets:lookup(cnt, starts)])
            after 1000 -> io:format("no exit after ~p crashes~n", [Crashes])
            end
    end.
