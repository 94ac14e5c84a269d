#!/usr/bin/env python3
"""Writes functions/unused-sdk-classes.txt: the AWS SDK classes of operations no function calls.

Why: shade's minimizeJar keeps whole every service client, because the generated client class names every
operation's marshaller and response; DynamoDB's model alone is 1.8 MB of each jar, SNS's and Scheduler's 1.2 MB of
notifications'. The functions call six DynamoDB operations, SNS Publish and two Scheduler operations (USED below).

What goes (a class-level reachability walk over `jdeps -verbose:class` of the built jars):
  - for each operation not in USED: its response, its marshaller, its request's builder, and every model type
    reachable only from those (backups, global tables, exports, imports, replicas, ...);
  - paginators and waiters (never called).
What stays:
  - every class outside the services' model/transform/paginators/waiters packages, followed through its references
    (the client, its endpoint rules, interceptors, auth, ...); every modeled exception (the client's error mapping
    names them all when it is built) and what they reference;
  - the request class of every operation, unused ones included, but not what it references: the JVM loads it
    (the client's bytecode verifier checks it is an SdkRequest, the endpoint interceptor tests `instanceof` on
    about 60 of them) without initializing it, so its builder and field types are never needed;
  - the used operations' requests, responses and marshallers, and everything they reference.

Rerun after an SDK upgrade or when a function calls another operation (add it to USED), after
`./mvnw -q -o package -DskipTests -pl <all functions> -am` with an empty functions/unused-sdk-classes.txt (the walk
needs the untrimmed jars). SdkJarCheck (shared's tests; run by the *JarIT of authorizer, discount-calculation,
purchase-accrual and notifications) calls each used operation through the trimmed jar, initializes every service class
left in it, and fails when our code names the response of an operation the list dropped.

Usage (bench/README.md has the build before it):
  python3 bench/sdk-trim/unused-sdk-classes.py functions/<each>/target/<each>.jar ... > functions/unused-sdk-classes.txt
"""
import collections
import fnmatch
import re
import subprocess
import sys
import zipfile

USED = {
    'dynamodb': {'GetItem', 'PutItem', 'UpdateItem', 'Query', 'TransactWriteItems', 'BatchGetItem'},
    'sns': {'Publish'},
    'scheduler': {'CreateSchedule', 'DeleteSchedule'},
}
SERVICE = re.compile(r'software\.amazon\.awssdk\.services\.([a-z0-9]+)\.(.*)')


def classes_of(jar):
    return {i.filename[:-6].replace('/', '.'): i.compress_size
            for i in zipfile.ZipFile(jar).infolist()
            if i.filename.endswith('.class') and not i.filename.startswith('META-INF')}


def removable(jar):
    sizes = classes_of(jar)
    edges = collections.defaultdict(set)
    deps = subprocess.run(['jdeps', '--multi-release', '21', '-verbose:class', '-filter:none', jar],
                          capture_output=True, text=True, check=True).stdout
    for line in deps.splitlines():
        m = re.match(r'\s+(\S+) -> (\S+)\s', line)
        if m:
            edges[m.group(1)].add(m.group(2))

    def service(c):
        m = SERVICE.fullmatch(c)
        return (m.group(1), m.group(2)) if m and m.group(1) in USED else (None, None)

    operations = collections.defaultdict(set)
    for c in sizes:
        svc, rest = service(c)
        m = re.fullmatch(r'transform\.([A-Za-z0-9]+)RequestMarshaller', rest or '')
        if m:
            operations[svc].add(m.group(1))

    def operation_part(c):
        """(service, operation, kind) of a class that belongs to one operation, else None."""
        svc, rest = service(c)
        if not svc:
            return None
        if rest.startswith(('paginators.', 'waiters.')):
            return svc, None, 'unused'
        m = re.fullmatch(r'model\.([A-Za-z0-9]+)(Request|Response)(\$.*)?', rest)
        if m and m.group(1) in operations[svc]:
            return svc, m.group(1), m.group(2) if not m.group(3) else m.group(2) + '$'
        m = re.fullmatch(r'transform\.([A-Za-z0-9]+)RequestMarshaller(\$.*)?', rest)
        if m and m.group(1) in operations[svc]:
            return svc, m.group(1), 'Marshaller'
        return None

    def of_unused_operation(c):
        part = operation_part(c)
        return part is not None and (part[1] is None or part[1] not in USED[part[0]])

    def loaded_only(c):  # an unused operation's request class: loaded, never initialized
        part = operation_part(c)
        return part is not None and part[2] == 'Request' and of_unused_operation(c)

    roots = set()
    for c in sizes:
        svc, rest = service(c)
        part = operation_part(c)
        if not svc or not rest.startswith(('model.', 'transform.', 'paginators.', 'waiters.')):
            roots.add(c)
        elif re.fullmatch(r'model\.[A-Za-z0-9]+Exception(\$.*)?', rest) or loaded_only(c):
            roots.add(c)
        elif part is not None and not of_unused_operation(c):
            roots.add(c)
        elif part is None and re.fullmatch(r'model\.[A-Za-z0-9]+(Request|Response|ResponseMetadata)(\$.*)?', rest):
            roots.add(c)  # the service's base request and response types
    kept, todo = set(), list(roots)
    while todo:
        c = todo.pop()
        if c in kept or c not in sizes:
            continue
        kept.add(c)
        if loaded_only(c):
            continue
        todo.extend(d for d in edges.get(c, ()) if d in sizes and (not of_unused_operation(d) or loaded_only(d)))
    return set(sizes) - kept, set(sizes)


def patterns(removed, every):
    """Short jar-path patterns (shortest CamelCase prefix no kept class of the package starts with)."""
    kept_by_package = collections.defaultdict(list)
    for c in every - removed:
        package, name = c.rsplit('.', 1)
        kept_by_package[package].append(name)
    result = set()
    for c in sorted(removed):
        package, name = c.rsplit('.', 1)
        path = package.replace('.', '/') + '/'
        top = name.split('$')[0]
        words = re.findall(r'[A-Z][a-z0-9]*|[a-z0-9]+', top)
        prefix = None
        for k in range(1, len(words) + 1):
            candidate = ''.join(words[:k])
            if not any(kept.startswith(candidate) for kept in kept_by_package[package]):
                prefix = candidate
                break
        if prefix is not None:
            result.add(path + prefix + '*')
        elif not any(kept == top or kept.startswith(top + '$') for kept in kept_by_package[package]):
            result.update({path + top + '.class', path + top + '$*'})
        else:
            result.add(path + name + '.class')
    matches = lambda pattern, c: fnmatch.fnmatchcase(c.replace('.', '/') + '.class', pattern)
    wrong = [c for c in every - removed if any(matches(p, c) for p in result)]
    missed = [c for c in removed if not any(matches(p, c) for p in result)]
    assert not wrong and not missed, (wrong[:5], missed[:5])
    return sorted(result)


def main(jars):
    walks = [removable(jar) for jar in jars]
    every = set().union(*(jar_classes for _, jar_classes in walks))
    removed = set().union(*(jar_removed for jar_removed, _ in walks))
    for jar_removed, jar_classes in walks:  # a class one jar needs stays in all: the list is shared
        removed -= jar_classes - jar_removed
    print('# Generated by bench/sdk-trim/unused-sdk-classes.py: AWS SDK classes of operations no function calls,')
    print('# dropped from every shaded function jar after shade (functions/pom.xml). Do not edit by hand.')
    print('# %d classes of %s.' % (len(removed), ', '.join(sorted(USED))))
    for p in patterns(removed, every):
        print(p)


if __name__ == '__main__':
    main(sys.argv[1:])
