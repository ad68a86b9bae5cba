"""The name, place and street data behind the synthetic UK person generator (synth.py).

All invented or public-domain lists: forenames and surnames by background in rough order of
frequency, nicknames and spelling variants, postcode districts, streets. No real person's details.
"""

from __future__ import annotations

# --------------------------------------------------------------------------------------------------
# Names. Each list is in rough order of frequency; weights fall off with rank (see _Pool).

_ENGLISH_MALE = {
    "old": "John David Michael Peter Robert Brian Anthony Alan William James Kenneth Roy Ronald Derek Keith "
    "Colin Barry Terence Raymond Geoffrey Dennis Malcolm Graham Trevor Leslie Stanley George Frederick "
    "Harold Eric Norman Gordon Douglas Stephen Christopher Richard Thomas Charles Edward Frank Arthur "
    "Ernest Albert Gerald Bernard Clive Roger Philip Donald Ian",
    "mid": "David Paul Mark Andrew Michael Stephen Richard Christopher Ian Darren Steven Robert Peter Gary "
    "Jason Simon Neil Lee Matthew Martin James John Kevin Anthony Wayne Craig Daniel Jonathan Stuart Dean "
    "Carl Shaun Philip Scott Nicholas Timothy Adam Graham Kenneth Alan Thomas Russell Glenn Jamie Gareth "
    "Nigel Barry Colin Keith Ross",
    "young": "Jack Thomas James Joshua Daniel Harry Samuel Joseph Matthew Callum Luke William Lewis Oliver "
    "Ryan Benjamin George Liam Jordan Adam Alexander Jake Connor Cameron Nathan Kieran Charlie Jamie Ethan "
    "Alfie Dylan Kyle Bradley Reece Jacob Max Owen Aaron Louis Tyler Harvey Leo Brandon Finley Archie Mason "
    "Oscar Riley Noah Henry",
}
_ENGLISH_FEMALE = {
    "old": "Margaret Patricia Susan Mary Christine Jean Barbara Linda Sandra Janet Elizabeth Carol Pauline "
    "Brenda Valerie Sheila Joan Ann Anne Dorothy Joyce Maureen Irene Jacqueline Kathleen Shirley Doreen "
    "Betty Eileen Gillian Jennifer Hazel Marion Sylvia Rita Beryl June Audrey Wendy Elaine Judith Lesley "
    "Diane Heather Marjorie Iris Pamela Rosemary Veronica Yvonne",
    "mid": "Sarah Claire Nicola Emma Lisa Joanne Michelle Helen Samantha Karen Amanda Rachel Louise Julie "
    "Kelly Deborah Tracey Donna Victoria Elizabeth Susan Jennifer Catherine Dawn Alison Gemma Angela "
    "Rebecca Natalie Laura Kerry Stephanie Lindsey Jacqueline Suzanne Sharon Caroline Zoe Kirsty Katherine "
    "Hayley Andrea Melanie Jane Lorraine Joanna Clare Wendy Paula Sally",
    "young": "Emily Jessica Sophie Chloe Lauren Hannah Charlotte Amy Rebecca Olivia Megan Ellie Katie Grace "
    "Bethany Lucy Georgia Holly Emma Abigail Jade Laura Shannon Courtney Eleanor Amelia Isabella Mia Lily "
    "Ella Jasmine Leah Paige Molly Niamh Caitlin Elizabeth Samantha Rachel Danielle Natasha Kayleigh Ruby "
    "Evie Freya Erin Sophia Isla Poppy Millie",
}
_OWN_FORENAMES: dict[str, tuple[str, str]] = {  # background -> (male, female); mixed with English names
    "scottish": (
        "Callum Iain Hamish Alasdair Ewan Fraser Angus Ross Euan Calum Gregor Murdo Duncan Craig Graeme "
        "Lachlan Finlay Struan Ruaridh Kenneth",
        "Fiona Morag Eilidh Kirsty Catriona Mhairi Isla Ailsa Kirsteen Shona Iona Rhona Elspeth Moira Lorna",
    ),
    "welsh": (
        "Rhys Dafydd Gareth Owain Gethin Huw Iwan Dylan Aled Emyr Ieuan Llyr Geraint Rhodri Tomos",
        "Sian Bethan Cerys Ffion Catrin Angharad Nia Rhiannon Megan Gwen Carys Eleri Manon Seren Lowri",
    ),
    "irish": (
        "Sean Ciaran Padraig Niall Declan Eoin Conor Cian Darragh Ronan Oisin Fergal Cormac Dermot Liam",
        "Siobhan Niamh Aoife Roisin Ciara Orla Sinead Aisling Grainne Clodagh Saoirse Mairead Deirdre Eimear "
        "Bridget",
    ),
    "muslim": (
        "Mohammed Muhammad Ahmed Ali Imran Hassan Omar Bilal Usman Adnan Tariq Asif Zubair Amir Hamza "
        "Ibrahim Yusuf Abdul Sajid Rashid Arif Khalid Faisal Shahid Nadeem Mohammad Irfan Kamran Waqar Zahid",
        "Fatima Ayesha Zainab Maryam Amina Nadia Samina Shazia Rubina Nasreen Farzana Shahida Rukhsana "
        "Sabrina Yasmin Saima Asma Hina Sana Parveen Nazia Rehana Shabana Sumaira Tahira Aisha",
    ),
    "hindu": (
        "Raj Sanjay Vikram Rajesh Amit Deepak Sunil Arjun Rohan Ravi Anil Vijay Nikhil Hitesh Kiran Ashok",
        "Priya Anjali Pooja Neha Sunita Anita Kiran Meena Nisha Rekha Shital Hema Bhavna Komal Divya",
    ),
    "sikh": (
        "Harpreet Gurpreet Jaspreet Manpreet Amandeep Harjit Kulwinder Jaswinder Sukhdev Balvinder Ranjit "
        "Parminder Gurdeep Inderjit",
        "Harpreet Gurpreet Jaspreet Manpreet Amandeep Simran Rajinder Kulwinder Jaswinder Balvinder "
        "Parminder Navneet Harjinder Sukhwinder",
    ),
    "polish": (
        "Piotr Krzysztof Tomasz Paweł Marcin Michał Jakub Kamil Łukasz Mateusz Adam Marek Andrzej Grzegorz "
        "Wojciech Dariusz Rafał Bartosz Szymon Jan",
        "Anna Katarzyna Agnieszka Magdalena Joanna Małgorzata Monika Ewa Aleksandra Karolina Natalia Marta "
        "Justyna Dorota Beata Paulina Zofia Weronika Kinga Izabela",
    ),
    "caribbean": (
        "Delroy Winston Leroy Errol Clive Desmond Lloyd Everton Carlton Marlon Devon Tyrone Dwayne Jermaine "
        "Kemar Andre Trevor Neville Courtney Leon",
        "Marcia Beverley Paulette Sonia Yvonne Claudette Marlene Sharon Tanya Keisha Shanice Tanisha Latoya "
        "Shantelle Janelle Simone Monique Natalie Donna Jacqueline",
    ),
    "west_african": (
        "Oluwaseun Adebayo Oluwafemi Chinedu Emeka Chukwuemeka Tunde Babajide Olumide Kwame Kofi Kwabena Yaw "
        "Kojo Ibrahim Musa Samuel Emmanuel Daniel David",
        "Ngozi Chioma Adaeze Funmilayo Folake Abimbola Yetunde Oluwatoyin Temitope Blessing Precious Grace "
        "Esther Abena Akosua Ama Efua Adwoa Nkechi Amara",
    ),
}
_SURNAMES: dict[str, str] = {
    "english": "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson "
    "Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Jackson Wood Turner Martin "
    "Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson "
    "Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell "
    "Shaw Murphy Miller Cox Richards Marshall Anderson Simpson Ellis Adams Wilkinson Foster Chapman Powell "
    "Webb Rogers Gray Mason Hunt Campbell Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler "
    "Russell Barker Fisher Stevens Jenkins Murray Dixon Harvey Graham Pearson Fletcher Walsh Gibson Howard "
    "Andrews Stewart Elliott Reynolds Saunders Payne Fox Ford Pearce Day Brooks West Lawrence Cole "
    "Atkinson Bradley Spencer Dawson Ball Burton O'Brien Watts Rose Booth Perry Ryan Grant Wells Armstrong "
    "Francis Rees Hayes Hart Hudson Newman Barrett Webster Hunter Gregory Carr Lowe Page Marsh Riley Dunn "
    "Woods Parsons Berry Stone Reid Holland Hawkins Harding Porter Robertson Newton Oliver Reed Kennedy "
    "Williamson Bird Gardner Dean Lane Cooke Bates Henderson Parry Burgess Bishop Walton Burns Nicholson "
    "Shepherd Ross Cross Long Freeman Warren Nicholls Hamilton Byrne Sutton McDonald Yates Hodgson Robson "
    "Curtis Hopkins O'Connor Harper Coleman Watkins Moss McCarthy Chambers O'Neill Griffin Sharp Hardy "
    "Wheeler Potter Osborne Johnston Gordon Doyle Wallace George Jordan Hutchinson Rowe Burke May Pritchard "
    "Gilbert Willis Higgins Read Miles Stevenson Stephenson Hammond Arnold Buckley Walters Hewitt Barber "
    "Nelson Slater Austin Sullivan Whitehead Mann Frost Lambert Stephens Blake Lynch Goodwin Barton "
    "Woodward Thomson Cunningham Quinn Barnett Baxter Clayton Nash Greenwood Jennings Holt Kemp Poole "
    "Gallagher Bond Stokes Tucker Davidson Fowler Heath Norman Middleton Banks French Parkinson Sharpe "
    "Hooper Norris Smart Birch Whittaker Haynes Lord Brennan",
    "scottish": "Smith Brown Wilson Campbell Stewart Thomson Robertson Anderson MacDonald Scott Reid Murray "
    "Taylor Clark Ross Young Mitchell Watson Paterson Morrison Fraser Henderson Graham Hamilton Johnston "
    "McLean Ferguson Mackenzie Cameron Gray Kerr Grant Hunter Duncan Sinclair MacLeod Munro Crawford "
    "Docherty Burns",
    "welsh": "Jones Williams Davies Evans Thomas Roberts Lewis Hughes Morgan Griffiths Edwards Owen Price "
    "Jenkins Rees Lloyd Powell Parry Phillips Morris James Watkins Pritchard Pugh Bowen Vaughan Howells "
    "Llewellyn Prosser Ellis",
    "irish": "Murphy Kelly O'Brien O'Sullivan Walsh Byrne Ryan O'Connor O'Neill Doyle McCarthy Gallagher "
    "Doherty Kennedy Lynch Murray Quinn Moore McLaughlin Connolly Daly Brennan Burke Collins Clarke "
    "Fitzgerald Flanagan Nolan O'Donnell Reilly McGrath Power Hughes Maguire Keane Duffy O'Reilly Sweeney",
    "muslim": "Khan Ahmed Ali Hussain Shah Akhtar Iqbal Mahmood Rahman Islam Miah Uddin Malik Chowdhury Butt "
    "Aziz Javed Riaz Rashid Qureshi Siddiqui Mohammed Yousaf Anwar Bashir Akram Latif Sheikh Mirza Rana",
    "hindu": "Patel Sharma Kumar Mistry Parmar Chauhan Joshi Lal Desai Shah Mehta Solanki Pandya Modi Gupta "
    "Vaghela Rathod Thakkar",
    "sikh": "Singh Gill Sandhu Dhillon Bains Sidhu Johal Sangha Grewal Virdi Atwal Dhaliwal Bhatti Kang",
    "polish": "Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański Woźniak "
    "Dąbrowski Kozłowski Jankowski Mazur Kwiatkowski Krawczyk Piotrowski Grabowski Nowakowski Pawłowski "
    "Michalski Król Wieczorek Jabłoński Wróbel",
    "caribbean": "Campbell Brown Williams Thompson Clarke Johnson Francis Grant Bailey Reid Morgan Samuels "
    "Gordon Powell Henry Stewart Lewis Robinson Walker Green Edwards Wright Hylton Beckford McKenzie Daley "
    "Ferguson Spence Forbes Barrett",
    "west_african": "Okafor Adeyemi Okonkwo Adebayo Mensah Owusu Boateng Asante Osei Adjei Danso Okeke Eze "
    "Nwosu Oluwole Adeleke Ogunleye Balogun Afolabi Bello Ibrahim Olatunji Akinola Oni Okoro Obi "
    "Nwachukwu Agyeman Appiah",
}
# Uncommon English surnames built from parts (Ashworth, Blackmore, ...), for a long tail.
_RARE_PARTS = (
    "Ash Black Brad Brook Chad Cran Dun Fair Good Green Hart Hol Kings Lang Mar Mid Mill New Nor Pen Red "
    "Ross Rush Shep Stan Thorn Wad Wal Wes Whit Wood Win Ather Bram Car Dal Eas Hal Hey Lyn Oak Pick Rad "
    "Sal Stock Tal Ward Wether Ack Bir",
    "ley ton worth field ford wood by more ham well croft dale hurst cliffe stone bury wick shaw ridge "
    "den combe land brook gate thorpe man ington",
)

# Surnames a person may hold whatever their family's: Begum/Bibi for Muslim women, Singh/Kaur for Sikhs.
_OWN_SURNAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "muslim": {
        "M": ("Ahmed", "Ali", "Hussain", "Khan", "Miah", "Uddin"),
        "F": ("Begum", "Begum", "Begum", "Bibi"),
    },
    "sikh": {"M": ("Singh",), "F": ("Kaur",)},
}
_OWN_SURNAME_SHARE = 0.20

BACKGROUND_WEIGHTS = {
    "english": 0.62,
    "scottish": 0.07,
    "welsh": 0.05,
    "irish": 0.04,
    "muslim": 0.07,
    "hindu": 0.03,
    "sikh": 0.02,
    "polish": 0.04,
    "caribbean": 0.03,
    "west_african": 0.03,
}
# How often a person's forename comes from their background's own list rather than the English list.
_OWN_FORENAME_SHARE = {
    "scottish": 0.35,
    "welsh": 0.35,
    "irish": 0.35,
    "muslim": 0.95,
    "hindu": 0.90,
    "sikh": 0.95,
    "polish": 0.85,
    "caribbean": 0.50,
    "west_african": 0.70,
}
_RARE_SURNAME_SHARE = {"english": 0.40, "scottish": 0.15, "welsh": 0.05, "irish": 0.10}

# Forename -> short forms. Kept here, independent of any matcher's own list.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "William": ("Bill", "Will", "Billy", "Liam"),
    "Elizabeth": ("Liz", "Beth", "Lizzie", "Betty"),
    "James": ("Jim", "Jimmy", "Jamie"),
    "Robert": ("Bob", "Rob", "Bobby", "Robbie"),
    "Margaret": ("Maggie", "Peggy", "Meg"),
    "Richard": ("Rich", "Rick", "Dick"),
    "Thomas": ("Tom", "Tommy"),
    "Michael": ("Mike", "Mick", "Micky"),
    "Christopher": ("Chris",),
    "Christine": ("Chris", "Chrissie"),
    "Anthony": ("Tony", "Ant"),
    "Joseph": ("Joe", "Joey"),
    "Edward": ("Ed", "Eddie", "Ted"),
    "Catherine": ("Cath", "Kate", "Cathy"),
    "Katherine": ("Kate", "Kathy", "Katie"),
    "Jennifer": ("Jen", "Jenny"),
    "Rebecca": ("Becky", "Becca"),
    "Samantha": ("Sam", "Sammy"),
    "Samuel": ("Sam", "Sammy"),
    "Alexander": ("Alex", "Sandy"),
    "Aleksandra": ("Ola", "Ala"),
    "Daniel": ("Dan", "Danny"),
    "Matthew": ("Matt",),
    "Benjamin": ("Ben",),
    "Nicholas": ("Nick",),
    "Nicola": ("Nicky",),
    "Stephen": ("Steve",),
    "Steven": ("Steve",),
    "Andrew": ("Andy", "Drew"),
    "Patricia": ("Pat", "Trish"),
    "Susan": ("Sue", "Susie"),
    "Deborah": ("Debbie", "Debs"),
    "Victoria": ("Vicky", "Tori"),
    "Jacqueline": ("Jackie",),
    "Kenneth": ("Ken", "Kenny"),
    "Ronald": ("Ron", "Ronnie"),
    "Donald": ("Don",),
    "Gerald": ("Gerry",),
    "Peter": ("Pete",),
    "David": ("Dave", "Davy"),
    "Charles": ("Charlie", "Chas"),
    "Frederick": ("Fred", "Freddie"),
    "Henry": ("Harry",),
    "Harold": ("Harry",),
    "Timothy": ("Tim",),
    "Jonathan": ("Jon", "Jonny"),
    "Philip": ("Phil",),
    "Raymond": ("Ray",),
    "Terence": ("Terry",),
    "Leslie": ("Les",),
    "Stanley": ("Stan",),
    "Albert": ("Bert", "Albie"),
    "Douglas": ("Doug", "Dougie"),
    "Gillian": ("Gill", "Gilly"),
    "Pamela": ("Pam",),
    "Dorothy": ("Dot", "Dotty"),
    "Barbara": ("Babs",),
    "Kathleen": ("Kath",),
    "Valerie": ("Val",),
    "Josephine": ("Jo",),
    "Joanne": ("Jo",),
    "Joanna": ("Jo",),
    "Abigail": ("Abbie", "Abi"),
    "Charlotte": ("Charlie", "Lottie"),
    "Eleanor": ("Ellie", "Nell"),
    "Isabella": ("Bella", "Izzy"),
    "Amelia": ("Millie",),
    "Natasha": ("Tash",),
    "Alasdair": ("Ali",),
    "Callum": ("Cal",),
    "Angus": ("Gus",),
    "Mohammed": ("Mo",),
    "Muhammad": ("Mo",),
    "Ibrahim": ("Ibby",),
    "Abdul": ("Abdi",),
    "Oluwaseun": ("Seun",),
    "Oluwafemi": ("Femi",),
    "Chukwuemeka": ("Emeka",),
    "Babajide": ("Jide",),
    "Olumide": ("Mide",),
    "Funmilayo": ("Funmi",),
    "Oluwatoyin": ("Toyin",),
    "Temitope": ("Tope",),
    "Katarzyna": ("Kasia",),
    "Małgorzata": ("Gosia",),
    "Krzysztof": ("Krzysiek",),
    "Wojciech": ("Wojtek",),
    "Grzegorz": ("Grzesiek",),
    "Jakub": ("Kuba",),
}

# Spellings of one name, any of which may be written for any other.
_VARIANT_GROUPS = (
    ("Mohammed", "Muhammad", "Mohammad", "Mohamed", "Mohammod"),
    ("Stephen", "Steven"),
    ("Catherine", "Katherine", "Kathryn"),
    ("Sean", "Shaun", "Shawn"),
    ("Philip", "Phillip"),
    ("Geoffrey", "Jeffrey"),
    ("Sarah", "Sara"),
    ("Rachel", "Rachael"),
    ("Ann", "Anne"),
    ("Zoe", "Zoey"),
    ("Aisha", "Ayesha"),
    ("Yusuf", "Yousuf", "Yousef"),
    ("Iain", "Ian"),
    ("Euan", "Ewan"),
    ("Callum", "Calum"),
    ("Lindsey", "Lindsay"),
    ("Tracey", "Tracy"),
    ("Hussain", "Hussein", "Husain"),
    ("Chowdhury", "Choudhury", "Chaudhry"),
    ("MacDonald", "McDonald"),
    ("Mackenzie", "McKenzie"),
    ("Davies", "Davis"),
    ("Thomson", "Thompson"),
    ("Reid", "Read", "Reed"),
    ("Clarke", "Clark"),
)
SPELLING_VARIANTS: dict[str, tuple[str, ...]] = {
    name: tuple(other for other in group if other != name) for group in _VARIANT_GROUPS for name in group
}

# Twins given similar names, with the sex of each.
_SIMILAR_TWIN_NAMES = (
    ("Jack", "M", "Jake", "M"),
    ("Ella", "F", "Ellie", "F"),
    ("Lily", "F", "Lila", "F"),
    ("Harry", "M", "Harvey", "M"),
    ("Sophie", "F", "Sophia", "F"),
    ("Leo", "M", "Leon", "M"),
    ("Mia", "F", "Maya", "F"),
    ("Ryan", "M", "Rhys", "M"),
    ("Daniel", "M", "Danielle", "F"),
    ("Chloe", "F", "Zoe", "F"),
    ("Connor", "M", "Callum", "M"),
    ("Jasmine", "F", "Jade", "F"),
)
_SIMILAR_TWIN_NAMES_BY_BACKGROUND = {
    "muslim": (
        ("Amir", "M", "Amin", "M"),
        ("Hassan", "M", "Hussain", "M"),
        ("Hamza", "M", "Hamzah", "M"),
        ("Sana", "F", "Saba", "F"),
        ("Amina", "F", "Amira", "F"),
    ),
    "polish": (("Kamil", "M", "Kamila", "F"), ("Jan", "M", "Jakub", "M"), ("Zofia", "F", "Zuzanna", "F")),
}

# Very common full names (UK-wide), for groups of different people who share one.
_COMMON_FULL_NAMES = (
    ("Mohammed", "Khan", "M", "muslim"),
    ("Mohammed", "Ali", "M", "muslim"),
    ("Mohammed", "Hussain", "M", "muslim"),
    ("Muhammad", "Ahmed", "M", "muslim"),
    ("Mohammed", "Iqbal", "M", "muslim"),
    ("Fatima", "Begum", "F", "muslim"),
    ("Shahida", "Begum", "F", "muslim"),
    ("Gurpreet", "Singh", "M", "sikh"),
    ("Amandeep", "Kaur", "F", "sikh"),
    ("Raj", "Patel", "M", "hindu"),
    ("Priya", "Patel", "F", "hindu"),
    ("David", "Smith", "M", "english"),
    ("John", "Smith", "M", "english"),
    ("Michael", "Smith", "M", "english"),
    ("James", "Smith", "M", "english"),
    ("Paul", "Smith", "M", "english"),
    ("Sarah", "Smith", "F", "english"),
    ("David", "Jones", "M", "welsh"),
    ("Mark", "Jones", "M", "welsh"),
    ("John", "Williams", "M", "welsh"),
    ("Andrew", "Taylor", "M", "english"),
    ("Daniel", "Brown", "M", "english"),
    ("Emma", "Wilson", "F", "english"),
    ("Thomas", "Evans", "M", "welsh"),
    ("Piotr", "Nowak", "M", "polish"),
)

# --------------------------------------------------------------------------------------------------
# Places. (outward code, post town, weight); the weight is a rough share of the records.

DISTRICTS: tuple[tuple[str, str, float], ...] = (
    ("E1", "London", 3.0),
    ("E7", "London", 2.0),
    ("E17", "London", 2.0),
    ("N17", "London", 2.0),
    ("SE15", "London", 2.0),
    ("SW2", "London", 2.0),
    ("NW10", "London", 2.0),
    ("EC1V", "London", 0.7),
    ("W1T", "London", 0.5),
    ("CR0", "Croydon", 2.0),
    ("IG1", "Ilford", 1.5),
    ("LS6", "Leeds", 2.0),
    ("LS8", "Leeds", 1.5),
    ("LS11", "Leeds", 1.5),
    ("BD3", "Bradford", 1.5),
    ("BD8", "Bradford", 1.5),
    ("M14", "Manchester", 2.0),
    ("M8", "Manchester", 1.5),
    ("OL8", "Oldham", 1.0),
    ("BB1", "Blackburn", 1.0),
    ("PR1", "Preston", 1.0),
    ("L8", "Liverpool", 1.5),
    ("S2", "Sheffield", 1.5),
    ("NE6", "Newcastle upon Tyne", 1.5),
    ("SR4", "Sunderland", 1.0),
    ("HU3", "Hull", 1.0),
    ("B11", "Birmingham", 2.0),
    ("B21", "Birmingham", 1.5),
    ("WV1", "Wolverhampton", 1.0),
    ("CV6", "Coventry", 1.0),
    ("ST4", "Stoke-on-Trent", 1.0),
    ("LE4", "Leicester", 1.5),
    ("NG7", "Nottingham", 1.5),
    ("PE1", "Peterborough", 1.0),
    ("LU1", "Luton", 1.0),
    ("SL1", "Slough", 1.0),
    ("BS5", "Bristol", 1.5),
    ("PL4", "Plymouth", 1.0),
    ("CF24", "Cardiff", 1.5),
    ("SA1", "Swansea", 1.0),
    ("LL57", "Bangor", 0.5),
    ("G31", "Glasgow", 1.5),
    ("EH7", "Edinburgh", 1.0),
    ("DD3", "Dundee", 0.7),
    ("AB24", "Aberdeen", 0.7),
    ("BT9", "Belfast", 0.8),
)
_LONDON_TOWNS = ("London", "Croydon", "Ilford")
# Districts where a background is more often found (chosen 60% of the time for that background).
_BACKGROUND_DISTRICTS = {
    "muslim": ("BD3", "BD8", "B11", "E1", "E7", "LU1", "OL8", "BB1", "M8", "IG1"),
    "hindu": ("LE4", "IG1", "B21", "CR0"),
    "sikh": ("B21", "WV1", "SL1", "LE4"),
    "polish": ("PE1", "SL1", "E17", "NG7", "G31"),
    "caribbean": ("SE15", "SW2", "N17", "B21", "M14", "NW10"),
    "west_african": ("SE15", "N17", "E7", "M8", "CR0"),
    "scottish": ("G31", "EH7", "DD3", "AB24"),
    "welsh": ("CF24", "SA1", "LL57"),
    "irish": ("BT9", "NW10", "L8", "G31"),
}
STREETS = (
    "Acacia Avenue",
    "Mill Lane",
    "High Street",
    "Station Road",
    "Church Street",
    "Church Lane",
    "Victoria Road",
    "Park Road",
    "Green Lane",
    "Manor Road",
    "Queens Road",
    "Kings Road",
    "New Road",
    "School Lane",
    "London Road",
    "York Road",
    "Albert Road",
    "Grange Road",
    "Springfield Road",
    "Stanley Road",
    "Alexandra Road",
    "The Crescent",
    "Windsor Road",
    "Richmond Road",
    "Chapel Street",
    "Clarence Street",
    "Market Street",
    "North Street",
    "South Street",
    "West Street",
    "Castle Street",
    "Water Lane",
    "Highfield Road",
    "Beech Grove",
    "Elm Grove",
    "Oak Avenue",
    "Willow Close",
    "Ash Grove",
    "Cedar Drive",
    "Birch Close",
    "Holly Road",
    "Rosemary Way",
    "Meadow View",
    "Orchard Close",
    "Chestnut Avenue",
    "Sycamore Road",
    "Hawthorn Drive",
    "Poplar Street",
    "Wellington Road",
    "Nelson Street",
    "Cromwell Road",
    "Gladstone Street",
    "Trafalgar Street",
    "Brunswick Street",
    "Mount Pleasant",
    "Princess Street",
    "Duke Street",
    "Union Street",
    "George Street",
    "Cemetery Road",
    "Hall Lane",
    "Moor Lane",
    "Heath Road",
    "Bridge Street",
    "Canal Street",
    "Railway Terrace",
    "Mill Street",
    "Brook Street",
    "Abbey Road",
    "Priory Road",
    "Rectory Lane",
    "Vicarage Road",
    "Hillside Avenue",
    "Valley Road",
    "Fairfield Road",
    "Belmont Road",
    "Cavendish Road",
    "Clifton Road",
    "Hamilton Road",
    "Warwick Road",
    "Lancaster Road",
    "Kent Street",
    "Derby Road",
    "Cambridge Street",
    "Oxford Road",
    "Regent Street",
    "Stamford Street",
    "Portland Street",
    "Caxton Close",
    "Tennyson Avenue",
    "Shakespeare Street",
    "Milton Road",
    "Byron Street",
    "Dickens Close",
    "Kingsway",
    "Broadway",
    "The Avenue",
    "Woodland Drive",
    "Lime Street",
    "Sandringham Drive",
)
_HOUSE_NAMES = ("Rose Cottage", "The Old Forge", "Ivy House", "The Willows", "Orchard House", "Fairview")
_FLAT_BLOCKS = ("Wellington Court", "Nelson House", "Victoria Mansions", "Tower View", "Parkside Court")
_STREET_ABBREVIATIONS = {
    "Road": "Rd",
    "Street": "St",
    "Avenue": "Ave",
    "Lane": "Ln",
    "Close": "Cl",
    "Drive": "Dr",
    "Grove": "Gr",
    "Crescent": "Cres",
    "Terrace": "Terr",
}
_ASCII_FOLD = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")
_QWERTY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_NEIGHBOURS: dict[str, str] = {}
for _row in _QWERTY_ROWS:
    for _i, _ch in enumerate(_row):
        _NEIGHBOURS[_ch] = _row[max(0, _i - 1) : _i] + _row[_i + 1 : _i + 2]
