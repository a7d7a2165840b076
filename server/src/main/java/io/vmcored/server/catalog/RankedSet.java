package io.vmcored.server.catalog;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Dump summaries ordered by (created, id), oldest first, that also count: how many lie below
 * a position, in O(log n). A treap whose nodes know their subtree's size. Why not a TreeSet:
 * counting a time range of one (for a page's {@code total}) walks every dump in the range,
 * and a node here is 32 bytes against a TreeMap entry's 40. Not thread-safe: {@link CatalogIndex}
 * guards it.
 *
 * <p>A position is {@code (created, id)}; a null id stands before every id of that instant.
 */
final class RankedSet {

    private static final class Node {
        final DumpSummary key;
        final int priority;
        Node left;
        Node right;
        int size = 1;

        Node(DumpSummary key, int priority) {
            this.key = key;
            this.priority = priority;
        }
    }

    // random priorities: host names and so ids come from the clients, a hash could be steered
    private final SplittableRandom random = new SplittableRandom();
    private Node root;

    /**
     * A set of {@code ascending} (distinct positions, in (created, id) order) built in O(n):
     * a catalog's start-up fills its sets at once instead of inserting 100,000 dumps one by one
     * (40% of the rebuild's CPU). The same treap as inserting them would give: random priorities,
     * heap-ordered along the sorted keys (a Cartesian tree, built with a stack).
     */
    static RankedSet sorted(List<DumpSummary> ascending) {
        RankedSet set = new RankedSet();
        ArrayDeque<Node> spine = new ArrayDeque<>();
        for (DumpSummary s : ascending) {
            Node n = new Node(s, set.random.nextInt());
            Node below = null;
            while (!spine.isEmpty() && spine.peek().priority < n.priority) {
                below = spine.pop();
            }
            n.left = below;
            if (!spine.isEmpty()) {
                spine.peek().right = n;
            }
            spine.push(n);
        }
        set.root = spine.peekLast();
        sizes(set.root);
        return set;
    }

    /** Sets every subtree's size, children first (iteratively: no recursion on a skewed input). */
    private static void sizes(Node root) {
        ArrayDeque<Node> todo = new ArrayDeque<>();
        ArrayDeque<Node> order = new ArrayDeque<>();
        if (root != null) {
            todo.push(root);
        }
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            order.push(n);
            if (n.left != null) {
                todo.push(n.left);
            }
            if (n.right != null) {
                todo.push(n.right);
            }
        }
        while (!order.isEmpty()) {
            fix(order.pop());
        }
    }

    int size() {
        return root == null ? 0 : root.size;
    }

    boolean isEmpty() {
        return root == null;
    }

    /** Adds {@code s}; false (and nothing changes) when a summary of the same position is present. */
    boolean add(DumpSummary s) {
        if (contains(s)) {
            return false;
        }
        root = insert(root, new Node(s, random.nextInt()));
        return true;
    }

    /** Removes the summary at {@code s}'s position; false when there is none. */
    boolean remove(DumpSummary s) {
        if (!contains(s)) {
            return false;
        }
        root = delete(root, s);
        return true;
    }

    boolean contains(DumpSummary s) {
        Node n = root;
        while (n != null) {
            int c = compare(s.created(), s.id(), n.key);
            if (c == 0) {
                return true;
            }
            n = c < 0 ? n.left : n.right;
        }
        return false;
    }

    /** How many summaries lie strictly below {@code (created, id)}; all of them for a null {@code created}. */
    int countBelow(Instant created, String id) {
        if (created == null) {
            return size();
        }
        int below = 0;
        Node n = root;
        while (n != null) {
            if (compare(created, id, n.key) > 0) {
                below += size(n.left) + 1;
                n = n.right;
            } else {
                n = n.left;
            }
        }
        return below;
    }

    /** The summaries strictly below {@code (created, id)}, newest first; from the newest for a null {@code created}. */
    Iterator<DumpSummary> descendingBelow(Instant created, String id) {
        ArrayDeque<Node> path = new ArrayDeque<>();
        Node n = root;
        while (n != null) {
            if (created == null || compare(created, id, n.key) > 0) {
                path.push(n);
                n = n.right;
            } else {
                n = n.left;
            }
        }
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return !path.isEmpty();
            }

            @Override
            public DumpSummary next() {
                if (path.isEmpty()) {
                    throw new NoSuchElementException();
                }
                Node top = path.pop();
                for (Node x = top.left; x != null; x = x.right) {
                    path.push(x);
                }
                return top.key;
            }
        };
    }

    /** Appends every summary, oldest first. */
    void addAllTo(List<DumpSummary> out) {
        ArrayDeque<Node> path = new ArrayDeque<>();
        Node n = root;
        while (n != null || !path.isEmpty()) {
            for (; n != null; n = n.left) {
                path.push(n);
            }
            Node top = path.pop();
            out.add(top.key);
            n = top.right;
        }
    }

    /** Position {@code (created, id)} against a summary; a null id is below every id of that instant. */
    static int compare(Instant created, String id, DumpSummary s) {
        int c = created.compareTo(s.created());
        if (c != 0) {
            return c;
        }
        return id == null ? -1 : id.compareTo(s.id());
    }

    private static Node insert(Node t, Node x) {
        if (t == null) {
            return x;
        }
        if (compare(x.key.created(), x.key.id(), t.key) < 0) {
            t.left = insert(t.left, x);
            if (t.left.priority > t.priority) {
                t = rotateRight(t);
            }
        } else {
            t.right = insert(t.right, x);
            if (t.right.priority > t.priority) {
                t = rotateLeft(t);
            }
        }
        return fix(t);
    }

    private static Node delete(Node t, DumpSummary s) {
        int c = compare(s.created(), s.id(), t.key);
        if (c < 0) {
            t.left = delete(t.left, s);
        } else if (c > 0) {
            t.right = delete(t.right, s);
        } else {
            return merge(t.left, t.right);
        }
        return fix(t);
    }

    /** Joins two treaps whose keys are all below (a) and all above (b). */
    private static Node merge(Node a, Node b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        if (a.priority > b.priority) {
            a.right = merge(a.right, b);
            return fix(a);
        }
        b.left = merge(a, b.left);
        return fix(b);
    }

    private static Node rotateRight(Node t) {
        Node l = t.left;
        t.left = l.right;
        l.right = fix(t);
        return fix(l);
    }

    private static Node rotateLeft(Node t) {
        Node r = t.right;
        t.right = r.left;
        r.left = fix(t);
        return fix(r);
    }

    private static Node fix(Node t) {
        t.size = 1 + size(t.left) + size(t.right);
        return t;
    }

    private static int size(Node n) {
        return n == null ? 0 : n.size;
    }
}
