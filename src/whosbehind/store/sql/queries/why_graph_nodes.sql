-- Every node of the graph, for the why-walk (analysis/why.py, Graph): its name and kind.
SELECT id, name, kind FROM graph_nodes;
