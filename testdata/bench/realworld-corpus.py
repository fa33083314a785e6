"""Compare two platform binaries on the real-world lint corpus (../shared/corpus/realworld).

Usage: python3 testdata/bench/realworld-corpus.py OLD_BINARY NEW_BINARY [CORPUS_DIR]

For each family it lints the cases as the corpus README says and counts, against
verdicts.jsonl, false positives (an error finding on a file the oracle calls valid)
and misses (an invalid file with no error), and lists any false positive the new
binary adds. The k8s count includes the best-practice rules, which the README does
not count as false positives: compare old and new, not the absolute number.
"""
import json, subprocess, sys, os, glob
OLD, NEW = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
C = sys.argv[3] if len(sys.argv) > 3 else os.path.join(os.path.dirname(__file__), '..', '..', '..', 'shared', 'corpus', 'realworld')
def run(binp, fam, rules):
    d=os.path.join(C,fam)
    cases=sorted(glob.glob(os.path.join(d,'cases','*'))+[])
    args=[binp,'lint','--rules',rules,'--fail-on','none','--format','json']+[os.path.relpath(c,d)+'/' for c in cases]
    out=subprocess.run(args,cwd=d,capture_output=True,text=True)
    try: res=json.loads(out.stdout)
    except Exception: print(fam,'bad json',out.stderr[:300]); return {}
    errs={}
    for f in res.get('findings',[]):
        if f['severity']!='error': continue
        p=f['path']
        parts=p.split('/')
        cid=parts[1] if parts[0]=='cases' else parts[0]
        errs.setdefault(cid,[]).append(f['rule']+': '+f['message'][:120])
    return errs
def verdicts(fam):
    return {json.loads(l)['id']:json.loads(l)['valid'] for l in open(os.path.join(C,fam,'verdicts.jsonl'))}
def fam_report(fam, rules):
    v=verdicts(fam)
    r={}
    for name,b in (('old',OLD),('new',NEW)):
        e=run(b,fam,rules)
        fp=sorted(c for c in v if v[c] and c in e)
        miss=sorted(c for c in v if not v[c] and c not in e)
        r[name]=(fp,miss,e)
        print(f"{fam} {name}: valid={sum(v.values())} fp={len(fp)} misses={len(miss)} of {sum(1 for x in v.values() if not x)}")
    newfp=set(r['new'][0])-set(r['old'][0])
    for c in sorted(newfp): print('  NEW FP',c,r['new'][2][c][:3])
    return r
for fam,rules in (('catalog','catalog/*'),('gitlab-ci','gitlab-ci/*'),('k8s','k8s/*')):
    fam_report(fam,rules)
# docs: per tree, per file
d=os.path.join(C,'docs')
vs=[json.loads(l) for l in open(os.path.join(d,'verdicts.jsonl'))]
for name,b in (('old',OLD),('new',NEW)):
    fp=set(); miss=set()
    errfiles={}
    for cid in sorted(set(x['id'] for x in vs)):
        out=subprocess.run([b,'lint','--rules','docs/*','--fail-on','none','--format','json','cases/%s/'%cid],cwd=d,capture_output=True,text=True)
        try: res=json.loads(out.stdout)
        except Exception: print('bad json',cid,out.stderr[:200]); continue
        for f in res.get('findings',[]):
            if f['severity']=='error': errfiles.setdefault((cid,f['path']),[]).append(f['rule'])
    for x in vs:
        k=(x['id'],x['file'])
        if x['valid'] and k in errfiles: fp.add(k)
        if not x['valid'] and k not in errfiles: miss.add(k)
    print(f"docs {name}: valid={sum(1 for x in vs if x['valid'])} fp={len(fp)} misses={len(miss)} of {sum(1 for x in vs if not x['valid'])}")
    if name=='old': oldfp=fp
    else:
        for k in sorted(fp-oldfp): print('  NEW FP',k,errfiles[k])
