"""Forenames and the nicknames, short forms, diminutives and spellings that stand for them.

Each line of ``_GROUPS`` is one group, ``canonical: member member ...`` (a long group takes two
lines with the same canonical name). The canonical name is the
group's key (the spelling used as the blocking key); the members are the other forms people give
for the same forename: nicknames (Bill, Peggy), short forms (Alex, Liz), diminutives (Lizzie,
Jimmy) and spelling variants (Steven, Mohamed, Shaun). A form that stands for several names
(Alex, Sam, Chris, Jo, Frankie, Terry, Pat ...) is listed in every group it belongs to, and then
belongs to all of them.

Everything here is folded already: lower case, ASCII, one token, no punctuation (Zoë is "zoe",
Jo-Anne is "joanne"). The tests check that.

Scope: English, Scottish, Welsh and Irish forenames common in the UK across all ages, both
sexes, plus spelling variants of common forenames of other UK communities (Mohammed, Hussain,
Aisha...) and the everyday Polish diminutives. It deliberately does not link names across
languages (Piotr/Peter, Seamus/James, Ian/John): those are different names on a record.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

_GROUPS = """
# --- mostly male ---------------------------------------------------------------------------------
aaron: aron arron
abdullah: abdulla abdallah
abraham: abe abram bram
adrian: ade adie
ahmed: ahmad ahmet ahmod
aidan: aiden aydan ayden aden
alan: allan allen alun al
albert: al bert bertie albie alby
alexander: alex alec alek alexandr sandy sasha lex xander zander al
alfred: alf alfie alfy fred freddie freddy al
ali: aly
alistair: alasdair alastair allister alister ali ally al
andrew: andy andie drew
angus: gus
anthony: antony tony ant ants
archibald: archie archy
arthur: art artie arty
augustus: gus gussie augie august
barry: barrie baz bazza
benedict: ben benny benedikt
benjamin: ben benny bennie benji benjy
bernard: bernie barney
bertram: bert bertie
bradley: brad
brendan: brendon bren
brian: bryan brien bri
callum: calum cal cally
cameron: cam cammy
carl: karl
charles: charlie charley chas chaz chuck chick
christian: chris kristian christy kris
christopher: chris kris kit christy topher kristopher
clement: clem
clifford: cliff
colin: col
conor: connor conner con
cornelius: con connie
cyril: cy
daniel: dan danny dannie dani
darren: darran darin daz dazza
darryl: daryl darrell darrel darryll
david: dave davey davy davie dai dafydd
declan: dec deccy
dennis: denis den denny
derek: derrick deryck derrik del
desmond: des dessie
dominic: dom dominick dominik
donald: don donny donnie
douglas: doug dougie duggie
duncan: dunc
dylan: dillon dilan
edgar: ed eddie eddy
edmund: edmond ed eddie eddy ned ted
edward: ed eddie eddy ted teddy ned
edwin: ed eddie eddy
elliot: elliott eliot eliott
emmanuel: emanuel immanuel manny
eric: erik rick ricky
ernest: ernie ern earnest
eugene: gene
ewan: euan ewen
ezekiel: zeke
fergus: fergie gus
finlay: finley fin finn
francis: frank frankie franky fran
franklin: frank frankie
fraser: frazer frasier
frederick: fred freddie freddy frederic fredrick fredric fritz
gabriel: gabe gabby
gareth: gaz gazza
gary: garry gaz gazza
gavin: gav
geoffrey: geoff geoffery jeffrey jeffery jeff
george: georgie geordie
gerald: gerry jerry ged
gerard: gerrard gerry jerry ged
gilbert: gil gilly bert
glen: glenn
gordon: gordie
graham: graeme grahame
gregory: greg gregg
harold: harry hal
harvey: harv
henry: harry hal hank
herbert: herb herbie bert
howard: howie
hugh: hughie huw hugo
hussain: hussein husain husein hossein
ian: iain
ibrahim: ebrahim ibraheem
isaac: isaak izaak ike zac
ismail: ismael ishmael esmail
jacob: jake jakey jakob
james: jim jimmy jimi jimbo jamie jem
jason: jase jay
jayden: jaden jaiden jaydon jadon
jeremy: jez jerry jem jeremiah
jerome: jerry
john: jack jackie johnny johnnie jon jonny jonnie jock
jonathan: jonathon jon jonny jonnie johnny jonty
jordan: jordon jordy
joseph: joe joey jo jos
joshua: josh
julian: jules
kenneth: ken kenny kennie
kevin: kev kevan
khalid: khaled
kieran: kieron keiran ciaran ciaron kyran
krzysztof: krzys
lawrence: laurence larry laurie lawrie lol
lee: leigh
leonard: len lenny lennie leo leon
leslie: lesley les
lewis: louis lou lew luis
lloyd: loyd
lucas: luca luka lukas
mahmood: mahmud mahmoud mehmood mahmod
malcolm: mal malc
marcus: markus
mark: marc
martin: martyn marty mart
matthew: mathew matt matty mat
maurice: morris mo maurie
maximilian: max maxi maxim
maxwell: max
melvin: melvyn mel
mervyn: mervin merv
michael: micheal mike mikey mick micky mickey mitch
mitchell: mitch
mohammed: mohammad mohamed mohamad muhammad muhammed muhamad mohammod mohd mo
montague: monty
mustafa: mustapha mostafa
nathan: nate nat
nathaniel: nathanael nat nate
neil: neal neill niall nial
neville: nev
nicholas: nicolas nikolas nick nicky nickie nik nic nico
nigel: nige nidge
norman: norm norrie
oliver: ollie olly oli
omar: umar omer
osman: usman uthman othman
oswald: ozzy ossie oz
owen: owain
patrick: pat paddy patty
paul: paulie
percival: percy perce
peter: pete petey
philip: phillip phil pip
ralph: rafe ralphie
randolph: randy
raphael: rafael rafa rafe
rashid: rasheed rashed
raymond: ray raymund
reginald: reg reggie
reuben: ruben rube
rhys: reece rees reese
richard: rick ricky rickie rich richie ritchie dick dickie dicky
riley: reilly ryley
robert: rob robbie robby bob bobby bobbie bert bertie rab rabbie
roderick: rod roddy rory
rodney: rod roddy
roger: rodge rog
roland: rowland roly
ronald: ron ronnie ronny
russell: russ
ryan: rian
samson: sam sammy
samuel: sam sammy sammie
scott: scotty
sean: shaun shawn shaune
sebastian: seb sebby bastian
sidney: sydney sid
simon: si
solomon: sol solly
spencer: spence
stanley: stan
stephen: steven stephan stefan steve stevie
stuart: stewart stu stew
tariq: tarik tarek tareq
terence: terrence terrance terry tel
theodore: theo ted teddy
thomas: tom tommy tommie thom tam
timothy: tim timmy
tobias: toby
tomasz: tomek
trevor: trev
tristan: tris
tyler: ty
tyrone: ty
vernon: vern
victor: vic vick
vincent: vince vinnie vinny vin
wallace: wally
walter: walt wally
warren: waz wazza
wesley: wes
wilfred: wilfrid wilf fred freddie
william: bill billy billie will willy willie wills liam
wojciech: wojtek
yusuf: yousef yousuf youssef yusef
zachary: zachery zach zack zak zac zachariah
# --- mostly female -------------------------------------------------------------------------------
aaliyah: aliyah aaliya aliya
abigail: abby abbie abbi abi gail
agnes: aggie nessie
aisha: ayesha aysha ayisha aishah
alexandra: alex alexa alix ali ally lexi lexie sandy sasha zandra xandra
alexis: alex lexi lexie
alice: alys alyce allie ally ali
alison: allison alyson ali ally allie
amanda: mandy manda
amelia: amelie millie milly mia
amy: aimee amie aimie
andrea: andie andi andy
angela: angie ange
ann: anne anna annie nan nancy
annette: annie netty
antonia: toni tonia tony
arabella: bella belle
ashley: ash ashleigh ashlee
barbara: barb barbie babs
beatrice: beatrix bea bee trixie
bernadette: bernie detta
bethany: beth
bridget: bridgette bridgit brigid bridie biddy
caitlin: caitlyn kaitlyn kaitlin katelyn cait
camilla: milly millie milla cammie
caroline: carolyn carolina carol carole carrie caro
carol: carole caryl carrie
catherine: katherine kathryn katharine catharine cathryn kate katie katy kathy cathy
catherine: kat cat kath cath kitty kay kit
cecilia: cecily celia cissy cissie sissy
charlotte: charlie charley lottie lotty lotte char
chelsea: chelsey chelsie
chloe: cloe khloe
christine: christina kristina kristine chris chrissie chrissy tina kirsty
ciara: keira kiera kira kiara
constance: connie
cynthia: cindy
danielle: daniela daniella dani danni dannie
deborah: debra debbie debby debs deb
deirdre: dee
diana: diane dianne di
dorothy: dorothea dot dotty dottie dolly dora
edith: edie
eileen: aileen
eleanor: elinor eleanore ellie elly nell nellie nelly nora ella
elizabeth: elisabeth liz lizzie lizzy liza lisa beth betty bette betsy bess bessie eliza libby elsie elspeth
ellen: ellie nell nellie
emily: emilie emilia em emmy emmie millie milly
emma: em emmy emmie
esther: hester essie ettie hetty hettie
eva: eve evie
evelyn: eveline evie eve
florence: flo florrie floss flossie
frances: fran franny frannie frankie fanny francesca
freda: frieda frida
freya: freja freyja
gabrielle: gabriella gabriela gabby gabbie gabi gaby
gemma: jemma gem
georgia: georgie
georgina: georgiana georgie gina
geraldine: gerry geri gerri
gillian: jillian gill gilly jill
gwendoline: gwendolen gwendolyn gwen wendy
hannah: hanna hana
harriet: harriett harriette hattie hatty
hayley: haley hailey haylie hayleigh hailee
helen: helena helene nell nellie lena
henrietta: hetty hettie etta ettie
holly: hollie
imogen: imogene immy imi
irene: reenie
isabel: isabelle isabella isobel izabela izabella izzy izzie issy bella belle
jacqueline: jaqueline jacquelyn jackie jacky jacqui jacquie
jane: jayne janie janey jan
janet: janette jan netty
janice: janis jan
jasmine: jasmin jazmin jazmine yasmin yasmine jaz jazz jas
jean: jeanie jeannie jeanne
jennifer: jen jenn jenny jenni jennie jenna
jessica: jess jessie jessy
joan: joanie joni
joanne: joanna joann johanna jo jojo
josephine: jo josie jojo fifi
judith: judy judi jude
julia: julie jules
juliet: juliette jules
karen: karin caren carin karon
kathleen: cathleen kath kathy kathie
katrina: catriona katriona trina kat
kayleigh: kayley kaylee kaley kaylie kailey kaleigh
kelly: kelli kellie
kerry: kerri kerrie keri
kimberley: kimberly kim kimmy
kirsty: kirstie kirsten kirstin
laura: lora laurie lori
lauren: loren lauryn laurie
layla: leila laila leyla lailah
leanne: leann leeanne lianne
lillian: lilian lily lilly lillie lil
linda: lynda lindy
lisa: leesa
lorraine: lorrie lori
louise: louisa lou lulu louie
lucy: lucie lucia luce
lydia: liddy
lynn: lyn lynne
madeleine: madeline madelyn maddie maddy
madison: maddison madisyn maddie maddy
maisie: maisy maisey
malgorzata: gosia malgosia
margaret: maggie maggy mags meg peg peggy madge marge margie margo margot rita greta maisie
martha: marty mattie matty patty
martina: tina
mary: maria marie mae may molly mollie polly mamie mimi mhairi
maryam: mariam
matilda: tilly tillie tilda mattie
maud: maude
maureen: moreen mo
maxine: max maxie
megan: meghan meagan meg megs meggie
melanie: mel
melissa: mel missy lissa
michelle: michele shell shelley shelly chelle
mildred: millie milly
miriam: mimi
natalie: natalia nat nattie
natasha: natascha tasha tash nat sasha
niamh: neve neave
nicola: nicole nicolette nicky nikki nicki niki nic
olivia: liv livvy livi ollie olly
pamela: pam pammy
patricia: pat patty patti patsy trish trisha tricia
pauline: paula paulette
penelope: penny pen
philippa: pippa pip phil
priscilla: cilla prissy
rachel: rachael rach rae
rebecca: rebekah becky becca beckie bex becks
regina: gina
rhiannon: rhi
roberta: bobbie bobby robbie berta bertie
rosalind: rosalyn ros roz rosie
rose: rosa rosie rosy
rosemary: rosemarie rosie rose
ruby: rubie
ruth: ruthie
samantha: sam sammy sammie sammi
sandra: sandy sandie sandi zandra
sarah: sara sally sal sadie
sharon: sharron sharyn shaz shazza
shirley: shirl
sophie: sophia sofia sofie sophy soph
stephanie: stefanie steph stef steffi stevie
susan: susanne suzanne susanna susannah sue susie suzie suzy
tanya: tania tonya
teresa: theresa tess tessa tessie terri teri terry
tracey: tracy tracie trace
valerie: val
vanessa: ness nessa nessie
veronica: ronnie roni
victoria: vicky vicki vickie vikki vic tori tory
vivian: vivienne vivien viv
wilhelmina: mina billie willa
winifred: winnie win
yvonne: vonnie
zainab: zaynab zenab
zoe: zoey zoie
"""


def _parse(text: str) -> dict[str, frozenset[str]]:
    groups: dict[str, frozenset[str]] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        canonical, _, members = line.partition(":")
        canonical = canonical.strip()
        groups[canonical] = groups.get(canonical, frozenset()) | {canonical, *members.split()}
    return groups


def _invert(groups: Mapping[str, frozenset[str]]) -> dict[str, frozenset[str]]:
    by_name: dict[str, set[str]] = {}
    for canonical, members in groups.items():
        for name in members:
            by_name.setdefault(name, set()).add(canonical)
    return {name: frozenset(canonicals) for name, canonicals in by_name.items()}


#: canonical name -> every form in its group (the canonical name included).
NICKNAME_GROUPS: Mapping[str, frozenset[str]] = MappingProxyType(_parse(_GROUPS))

#: any form (canonical name, nickname, short form or spelling) -> the canonical names it may stand for.
GROUPS_BY_NAME: Mapping[str, frozenset[str]] = MappingProxyType(_invert(NICKNAME_GROUPS))
